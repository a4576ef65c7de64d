"""Back-office for territories: read-mostly, since the COG importer owns these rows."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from filiere.territories.models import EPCI, Commune, Department, FormerRegion, Region


class ReferenceAdmin(admin.ModelAdmin):
    """Reference rows come from official files: no adding or deleting by hand."""

    exclude = ("outline",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ("code", "name", "zone", "chef_lieu")
    list_filter = ("zone",)
    search_fields = ("code", "name")


@admin.register(FormerRegion)
class FormerRegionAdmin(ReferenceAdmin):
    list_display = ("code", "name", "successor")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(ReferenceAdmin):
    list_display = ("code", "name", "region", "former_region", "zone")
    list_filter = ("region", "zone")
    search_fields = ("code", "name")


@admin.register(EPCI)
class EPCIAdmin(ReferenceAdmin):
    list_display = ("code", "name", "kind", "population")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(ReferenceAdmin):
    list_display = ("code", "name", "kind", "department", "population")
    list_filter = ("kind", "region")
    search_fields = ("code", "insee_code", "name", "search_name", "postcodes")
    raw_id_fields = ("epci", "parent")
    list_select_related = ("department",)
