from django.contrib import admin

from filiere.needs.models import Answer, Campaign, Invitation, InvitationMail, NeedLine


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "scope", "status", "opens_on", "closes_on", "results_public"]
    list_filter = ["status", "scope", "region"]
    search_fields = ["title"]
    raw_id_fields = ["cluster", "owner", "created_by", "epci"]


class InvitationMailInline(admin.TabularInline):
    model = InvitationMail
    extra = 0
    readonly_fields = ["kind", "sent_at", "sent_on", "to"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "campaign",
        "department_code",
        "email",
        "sent_at",
        "reminder_count",
        "answered_at",
    ]
    list_filter = ["campaign"]
    search_fields = ["organisation__name", "email"]
    raw_id_fields = ["organisation", "campaign"]
    readonly_fields = ["token"]
    inlines = [InvitationMailInline]


class NeedLineInline(admin.TabularInline):
    model = NeedLine
    extra = 0
    raw_id_fields = ["skill"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["invitation", "revision", "updated_at"]
    raw_id_fields = ["invitation"]
    inlines = [NeedLineInline]
