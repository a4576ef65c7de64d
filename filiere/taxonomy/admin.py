"""Back-office for the taxonomies: official rows are read-mostly; local skills are editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from filiere.taxonomy import models as m


class ReferenceAdmin(admin.ModelAdmin):
    """Rows loaded from official files: no adding or deleting by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.NafCode)
class NafCodeAdmin(ReferenceAdmin):
    list_display = ("code", "label", "level", "is_digital")
    list_filter = ("level", "is_digital")
    search_fields = ("code", "label")
    raw_id_fields = ("parent",)


@admin.register(m.RomeMetier)
class RomeMetierAdmin(ReferenceAdmin):
    list_display = ("code", "label", "transition_num", "transition_eco")
    list_filter = ("transition_num", "executive")
    search_fields = ("code", "label")
    raw_id_fields = ("parent",)
    filter_horizontal = ("naf_sectors",)


@admin.register(m.RomeAppellation)
class RomeAppellationAdmin(ReferenceAdmin):
    list_display = ("code_ogr", "label", "metier")
    search_fields = ("code_ogr", "label", "metier__code")
    raw_id_fields = ("metier",)


@admin.register(m.RomeCompetence)
class RomeCompetenceAdmin(ReferenceAdmin):
    list_display = ("code_ogr", "label", "kind", "category")
    list_filter = ("kind", "category")
    search_fields = ("code_ogr", "label")


@admin.register(m.EscoSkill)
class EscoSkillAdmin(ReferenceAdmin):
    list_display = ("label_fr", "label_en", "skill_type", "is_digital", "is_transversal")
    list_filter = ("skill_type", "reuse_level", "is_digital", "is_transversal")
    search_fields = ("uri", "label_fr", "label_en")


@admin.register(m.EscoOccupation)
class EscoOccupationAdmin(ReferenceAdmin):
    list_display = ("label_fr", "code", "isco_group")
    search_fields = ("uri", "code", "label_fr", "label_en")


@admin.register(m.Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "owner_organisation_id")
    list_filter = ("kind",)
    search_fields = ("label",)
    raw_id_fields = ("esco_skill", "rome_competence")
