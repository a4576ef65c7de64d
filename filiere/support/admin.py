from django.contrib import admin

from .models import Engagement, Referral, Service, SupportRequest


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("title", "provider", "theme", "is_regional_aid_scheme", "is_published")
    list_filter = ("theme", "is_regional_aid_scheme", "is_published")
    search_fields = ("title", "provider__name")
    raw_id_fields = ("provider", "funders")


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ("organisation", "siret", "created_at")
    raw_id_fields = ("organisation", "created_by")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("request", "provider", "status", "status_at", "reminders_sent")
    list_filter = ("status",)
    raw_id_fields = ("request", "service", "provider")


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("siren", "provider", "date", "theme", "size_class")
    raw_id_fields = ("organisation", "provider", "service", "referral")
