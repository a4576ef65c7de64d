from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Invitation, JoinRequest, Membership, RegionalRole, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class RegionalRoleInline(admin.TabularInline):
    model = RegionalRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline, RegionalRoleInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Inscription"), {"fields": ("profile", "email_verified_at", "language", "deactivated_at")}),
    )
    list_display = ["username", "email", "first_name", "last_name", "profile", "is_active", "is_staff"]
    list_filter = [*BaseUserAdmin.list_filter, "profile"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__siren"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(RegionalRole)
class RegionalRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "created_at"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    autocomplete_fields = ["organisation", "invited_by", "accepted_by"]
    readonly_fields = ["token"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "role", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "decided_by"]
