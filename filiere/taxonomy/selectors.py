"""Reads of the taxonomies shared by other apps (directory filters, observatory, matching)."""

from __future__ import annotations

from django.db.models import QuerySet

from filiere.taxonomy.models import NafCode, NafLevel, RomeMetier, Skill


def digital_naf_codes() -> set[str]:
    """The sous-classes of the INSEE c1385 digital (ICT) sector, e.g. {"62.01Z", "58.29C", ...}."""
    return set(NafCode.objects.filter(is_digital=True).values_list("code", flat=True))


def naf_sous_classes_under(code: str) -> set[str]:
    """Sous-classe codes under any NAF code ("J", "62", "62.0", "62.01"), the code itself included."""
    found = {code}
    frontier = {code}
    while frontier:
        frontier = set(NafCode.objects.filter(parent_id__in=frontier).values_list("code", flat=True))
        found |= frontier
    return set(
        NafCode.objects.filter(code__in=found, level=NafLevel.SOUS_CLASSE).values_list("code", flat=True)
    )


def rome_metiers_for_naf_division(division: str) -> QuerySet[RomeMetier]:
    """ROME métiers that France Travail attaches to a NAF division ("62"), ordered by code."""
    return RomeMetier.objects.filter(naf_sectors__naf_division_id=division).distinct()


def skills_for_organisation(organisation_id: int) -> QuerySet[Skill]:
    """Skills a user of that organisation may use: all official ones plus its own local skills."""
    return Skill.objects.filter(owner_organisation_id__isnull=True) | Skill.objects.filter(
        owner_organisation_id=organisation_id
    )
