from django.contrib import admin

from .models import College, Establishment, Organisation, Relation


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    fields = ["siret", "is_head_office", "name", "city", "department_code", "state"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "kind", "naf_code", "state", "source", "is_generated"]
    list_filter = ["kind", "state", "is_digital", "is_generated", "source"]
    search_fields = ["name", "=siren", "acronym"]
    readonly_fields = ["created_at", "updated_at", "edited_fields", "raw", "source_hash"]
    inlines = [EstablishmentInline]
    show_full_result_count = False


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "siret", "city", "department_code", "naf_code", "state"]
    list_filter = ["state", "is_digital", "kind", "region_code"]
    search_fields = ["=siret", "name", "sign"]
    raw_id_fields = ["organisation", "commune"]
    readonly_fields = ["created_at", "updated_at", "search_text", "raw", "source_hash"]
    list_select_related = ["organisation"]
    show_full_result_count = False


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "cluster"]
    search_fields = ["name", "cluster__name"]
    raw_id_fields = ["cluster"]


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "college", "start_date"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name"]
    raw_id_fields = ["source", "target", "college"]
