"""Back-office of the showcase: profiles, declarations (with bulk validation), contact requests."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Certification,
    CompetenceDeclaration,
    ContactRequest,
    DeclarationStatus,
    Reference,
    SavedSearch,
    Sector,
    ShowcaseProfile,
)
from .services import refresh_profile


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "naf_divisions", "order")


@admin.register(ShowcaseProfile)
class ShowcaseProfileAdmin(admin.ModelAdmin):
    list_display = (
        "organisation",
        "is_published",
        "region_code",
        "capacity_now",
        "validated_count",
        "updated_at",
    )
    list_filter = ("is_published", "region_code", "target_sectors")
    search_fields = ("organisation__name",)
    raw_id_fields = ("organisation",)
    readonly_fields = (
        "region_code",
        "department_code",
        "headcount_band",
        "capacity_now",
        "available_from",
        "validated_count",
    )

    def save_model(self, request: Any, obj: ShowcaseProfile, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        refresh_profile(obj.pk)


@admin.action(description=_("Valider les compétences sélectionnées"))
def validate(modeladmin: Any, request: Any, queryset: Any) -> None:
    organisations = set(queryset.values_list("organisation_id", flat=True))
    queryset.update(
        status=DeclarationStatus.VALIDATED, validated_by=request.user, validated_at=timezone.now()
    )
    for organisation_id in organisations:
        refresh_profile(organisation_id)


@admin.register(CompetenceDeclaration)
class CompetenceDeclarationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "skill", "level", "people_count", "capacity_available_now", "status")
    list_filter = ("status", "level")
    search_fields = ("organisation__name", "skill__label")
    raw_id_fields = ("organisation", "skill", "validated_by")
    actions = [validate]


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("subject", "organisation", "buyer", "status", "sent_at", "deal_amount")
    list_filter = ("status",)
    search_fields = ("subject", "organisation__name", "buyer__username")
    raw_id_fields = ("buyer", "buyer_organisation", "organisation")


admin.site.register(
    Reference, list_display=("client", "organisation", "year", "sector"), raw_id_fields=("organisation",)
)
admin.site.register(
    Certification, list_display=("name", "organisation", "issuer", "year"), raw_id_fields=("organisation",)
)
admin.site.register(
    SavedSearch, list_display=("name", "user", "frequency", "last_run_at"), raw_id_fields=("user",)
)
