"""Transferability: which sectors need the skills a firm (or a territory) has.

The taxonomies link skills to sectors through occupations:

- ROME: Skill → RomeCompetence → RomeMetierCompetence → RomeMetier → RomeMetier.naf_sectors
  (RomeNafSector, a NAF division). A skill that is core to a métier counts fully, otherwise half.
- ESCO: Skill → EscoSkill → EscoOccupationSkill → EscoOccupation. ESCO has no sector link, so an
  ESCO occupation reaches sectors through the ROME métier whose appellation (job title) has the
  same French label; essential skills count fully, optional ones half.

A sector's score is the weighted share of the input skills it uses (0–100), so a firm whose
every skill is used in rail scores 100 for rail. The ROME "all sectors" entry (code 0) and
sectors without any covered skill are left out. `application_sectors` rolls NAF divisions up to
the buyer-facing `Sector` rows through their `naf_divisions`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from filiere.taxonomy.models import (
    EscoOccupationSkill,
    EscoRelation,
    RomeAppellation,
    RomeMetier,
    RomeMetierCompetence,
    RomeNafSector,
    Skill,
)

from .models import Sector

ALL_SECTORS_CODE = "0"
PARTIAL_WEIGHT = 0.5


@dataclass
class SectorScore:
    """A sector, its score (0–100) and the input skills it uses, with the occupations that link them."""

    sector: RomeNafSector | Sector
    score: float
    skills_covered: list[str]
    occupations: list[str] = field(default_factory=list)

    def __iter__(self):  # unpack as (sector, score, skills_covered)
        return iter((self.sector, self.score, self.skills_covered))


def _rome_links(skills: list[Skill]) -> dict[int, dict[str, tuple[float, str]]]:
    """skill id → {métier code: (weight, métier label)} through ROME compétences."""
    by_competence = {s.rome_competence_id: s.pk for s in skills if s.rome_competence_id}
    links: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
    if not by_competence:
        return links
    rows = RomeMetierCompetence.objects.filter(competence_id__in=list(by_competence)).values_list(
        "competence_id", "metier_id", "is_core", "metier__label"
    )
    for competence_id, metier_id, is_core, label in rows:
        weight = 1.0 if is_core else PARTIAL_WEIGHT
        skill_id = by_competence[competence_id]
        previous = links[skill_id].get(metier_id, (0.0, label))[0]
        links[skill_id][metier_id] = (max(previous, weight), label)
    return links


def _esco_links(skills: list[Skill]) -> dict[int, dict[str, tuple[float, str]]]:
    """skill id → {métier code: (weight, ESCO occupation label)} through ESCO occupations and titles."""
    by_esco = {s.esco_skill_id: s.pk for s in skills if s.esco_skill_id}
    links: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
    if not by_esco:
        return links
    occupations: dict[str, list[tuple[int, float]]] = defaultdict(list)
    labels: dict[str, str] = {}
    for skill_uri, relation, label in EscoOccupationSkill.objects.filter(
        skill_id__in=list(by_esco)
    ).values_list("skill_id", "relation", "occupation__label_fr"):
        if not label:
            continue
        weight = 1.0 if relation == EscoRelation.ESSENTIAL else PARTIAL_WEIGHT
        occupations[label].append((by_esco[skill_uri], weight))
        labels[label] = label
    if not occupations:
        return links
    metier_by_title: dict[str, str] = {}
    for label, metier_id in RomeAppellation.objects.filter(label__in=list(occupations)).values_list(
        "label", "metier_id"
    ):
        metier_by_title.setdefault(label, metier_id)
    for label, metier_id in RomeMetier.objects.filter(label__in=list(occupations)).values_list(
        "label", "code"
    ):
        metier_by_title.setdefault(label, metier_id)
    for label, pairs in occupations.items():
        metier_id = metier_by_title.get(label)
        if metier_id is None:
            continue
        for skill_id, weight in pairs:
            previous = links[skill_id].get(metier_id, (0.0, label))[0]
            links[skill_id][metier_id] = (max(previous, weight), label)
    return links


def sector_transferability(skill_ids: Iterable[int], *, limit: int = 30) -> list[SectorScore]:
    """Sectors (ROME NAF sectors) ranked by how much of the given skills they use.

    Returns SectorScore items, which unpack as (sector, score, skills_covered); best first,
    ties by sector code. Empty when no skill reaches a sector through the taxonomies.
    """
    skills = list(Skill.objects.filter(pk__in=set(skill_ids)))
    if not skills:
        return []
    labels = {s.pk: s.label for s in skills}
    metier_links: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
    for source in (_rome_links(skills), _esco_links(skills)):
        for skill_id, metiers in source.items():
            for metier_id, (weight, label) in metiers.items():
                previous = metier_links[skill_id].get(metier_id, (0.0, label))[0]
                metier_links[skill_id][metier_id] = (max(previous, weight), label)
    all_metiers = {m for metiers in metier_links.values() for m in metiers}
    if not all_metiers:
        return []
    sectors_of: dict[str, list[str]] = defaultdict(list)
    through = RomeMetier.naf_sectors.through
    for metier_id, sector_id in through.objects.filter(romemetier_id__in=all_metiers).values_list(
        "romemetier_id", "romenafsector_id"
    ):
        if sector_id != ALL_SECTORS_CODE:
            sectors_of[metier_id].append(sector_id)
    # sector → skill → best weight; sector → occupations named
    weights: dict[str, dict[int, float]] = defaultdict(dict)
    occupations: dict[str, set[str]] = defaultdict(set)
    for skill_id, metiers in metier_links.items():
        for metier_id, (weight, occupation) in metiers.items():
            for sector_id in sectors_of.get(metier_id, ()):
                weights[sector_id][skill_id] = max(weights[sector_id].get(skill_id, 0.0), weight)
                occupations[sector_id].add(occupation)
    sectors = RomeNafSector.objects.in_bulk(list(weights))
    total = len(skills)
    scores = [
        SectorScore(
            sector=sectors[code],
            score=round(100.0 * sum(per_skill.values()) / total, 1),
            skills_covered=sorted(labels[s] for s in per_skill),
            occupations=sorted(occupations[code])[:8],
        )
        for code, per_skill in weights.items()
        if code in sectors
    ]
    scores.sort(key=lambda item: (-item.score, -len(item.skills_covered), item.sector.pk))
    return scores[:limit]


def application_sectors(naf_scores: list[SectorScore]) -> list[SectorScore]:
    """Roll NAF-division scores up to the buyer-facing sectors (best division of each sector)."""
    by_division: dict[str, SectorScore] = {}
    for item in naf_scores:
        division = item.sector.naf_division_id or str(item.sector.pk).zfill(2)
        if division and (division not in by_division or by_division[division].score < item.score):
            by_division[division] = item
    results = []
    for sector in Sector.objects.all():
        matched = [by_division[d] for d in sector.naf_divisions if d in by_division]
        if not matched:
            continue
        best = max(matched, key=lambda item: item.score)
        skills = sorted({label for item in matched for label in item.skills_covered})
        results.append(
            SectorScore(sector=sector, score=best.score, skills_covered=skills, occupations=best.occupations)
        )
    results.sort(key=lambda item: (-item.score, item.sector.order))
    return results
