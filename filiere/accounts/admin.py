from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, RegionalRole, User


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
