from django.contrib import admin

from .models import Event, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "organiser", "starts_at", "capacity", "is_published")
    list_filter = ("kind", "is_published", "region_code")
    search_fields = ("title",)
    raw_id_fields = ("organiser", "partners", "commune")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "organisation", "status", "sequence", "checked_in_at")
    list_filter = ("status",)
    raw_id_fields = ("event", "user", "organisation", "checked_in_by")
