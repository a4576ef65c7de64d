"""Back-office: staff enter official figures here; aggregates and runs are read-only (derived data)."""

from django.contrib import admin

from filiere.observatory import models


@admin.register(models.OfficialFigure)
class OfficialFigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "territory_level", "territory_code", "year", "value", "unit", "source"]
    list_filter = ["indicator", "territory_level"]
    search_fields = ["territory_code", "source", "note"]


@admin.register(models.AggregateRun)
class AggregateRunAdmin(admin.ModelAdmin):
    list_display = ["finished_at", "started_at", "establishments", "rows", "first_year", "last_year"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
