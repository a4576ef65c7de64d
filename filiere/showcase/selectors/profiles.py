"""A firm's profile page: its declared competences, the skills it and a region's published firms
declare, and the taxonomy skills an editor picks from while typing."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from filiere.taxonomy.models import Skill

from ..models import CompetenceDeclaration, DeclarationStatus


def profile_declarations(
    organisation_id: int, *, include_rejected: bool = False
) -> QuerySet[CompetenceDeclaration]:
    """A firm's declared competences, validated first, then by skill label."""
    qs = CompetenceDeclaration.objects.filter(organisation_id=organisation_id).select_related(
        "skill", "validated_by", "validated_for"
    )
    if not include_rejected:
        qs = qs.exclude(status=DeclarationStatus.REJECTED)
    return qs.order_by("-capacity_available_now", "skill__label")


def profile_skill_ids(organisation_id: int) -> list[int]:
    """The skills a firm declares (rejected ones excluded)."""
    return list(
        CompetenceDeclaration.objects.filter(organisation_id=organisation_id)
        .exclude(status=DeclarationStatus.REJECTED)
        .values_list("skill_id", flat=True)
    )


def territory_skill_ids(region_code: str) -> list[int]:
    """The skills declared by the published firms of a region (rejected ones excluded)."""
    return list(
        CompetenceDeclaration.objects.filter(
            organisation__showcase_profile__is_published=True,
            organisation__showcase_profile__region_code=region_code,
        )
        .exclude(status=DeclarationStatus.REJECTED)
        .order_by()
        .values_list("skill_id", flat=True)
        .distinct()
    )


def search_skills(text: str, *, limit: int = 20) -> list[Any]:
    """Taxonomy skills for a firm's editor typing a competence: label contains the words."""

    words = [w for w in re.findall(r"\w+", text or "") if len(w) > 1][:5]
    if not words:
        return []
    qs = Skill.objects.all()
    for word in words:
        qs = qs.filter(label__icontains=word)
    return list(qs.order_by("label")[:limit])
