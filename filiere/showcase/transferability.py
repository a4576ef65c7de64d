"""Transferability: which sectors need the skills a firm (or a territory) has.

The taxonomies link skills to sectors through occupations:

- ROME: Skill → RomeCompetence → RomeMetierCompetence → RomeMetier → RomeMetier.naf_sectors
  (RomeNafSector, a NAF division). A skill that is core to a métier counts fully, otherwise half.
- ESCO: Skill → EscoSkill → EscoOccupationSkill → EscoOccupation. ESCO has no sector link, so an
  ESCO occupation reaches sectors through the ROME métier whose appellation (job title) has the
  same folded French title, gendered halves compared one by one (about 1,300 of ESCO's 3,000
  occupations bridge this way); essential skills count fully, optional ones half.

A sector's score is the weighted share of the input skills it uses (0–100), so a firm whose
every skill is used in rail scores 100 for rail. The ROME "all sectors" entry (code 0) and
sectors without any covered skill are left out. `application_sectors` rolls NAF divisions up to
the buyer-facing `Sector` rows through their `naf_divisions`.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max

from filiere.core.text import fold
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
_SLASH = re.compile(r"\s*/\s*")
_PARENS = re.compile(r"\(.*?\)")
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


def title_keys(label: str) -> set[str]:
    """Comparable forms of a job title: folded, without parentheses, and each gendered half.

    "Développeur / Développeuse web" and ESCO's "développeur web/développeuse web" share
    "developpeur web" (ESCO and ROME write the masculine and feminine forms differently).
    """
    folded = _PARENS.sub(" ", _SLASH.sub("/", fold(label or ""))).strip()
    folded = " ".join(folded.split())
    keys = {folded} if folded else set()
    keys.update(part.strip() for part in folded.split("/") if part.strip())
    return keys


_title_index: tuple[tuple, dict[str, str]] | None = None
_title_lock = threading.Lock()


def rome_title_index() -> dict[str, str]:
    """Folded ROME appellation and métier titles → métier code; cached until ROME changes."""
    global _title_index
    key = (
        RomeAppellation.objects.aggregate(n=Count("pk"), last=Max("pk")).values(),
        RomeMetier.objects.aggregate(n=Count("pk"), last=Max("pk")).values(),
    )
    key = tuple(tuple(v) for v in key)
    cached = _title_index
    if cached is not None and cached[0] == key:
        return cached[1]
    index: dict[str, str] = {}
    for label, metier_id in RomeAppellation.objects.values_list("label", "metier_id").iterator():
        for title in title_keys(label):
            index.setdefault(title, metier_id)
    for label, metier_id in RomeMetier.objects.values_list("label", "code").iterator():
        for title in title_keys(label):
            index.setdefault(title, metier_id)
    with _title_lock:
        _title_index = (key, index)
    return index


def _esco_links(skills: list[Skill]) -> dict[int, dict[str, tuple[float, str]]]:
    """skill id → {métier code: (weight, ESCO occupation label)} through ESCO occupations and titles."""
    by_esco = {s.esco_skill_id: s.pk for s in skills if s.esco_skill_id}
    links: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
    if not by_esco:
        return links
    rows = EscoOccupationSkill.objects.filter(skill_id__in=list(by_esco)).values_list(
        "skill_id", "relation", "occupation__label_fr", "occupation__alt_labels_fr"
    )
    index: dict[str, str] | None = None
    for skill_uri, relation, label, alt_labels in rows:
        if not label:
            continue
        index = rome_title_index() if index is None else index
        metier_id = next(
            (
                index[key]
                for title in [label, *(alt_labels or [])]
                for key in title_keys(title)
                if key in index
            ),
            None,
        )
        if metier_id is None:
            continue
        weight = 1.0 if relation == EscoRelation.ESSENTIAL else PARTIAL_WEIGHT
        skill_id = by_esco[skill_uri]
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
