"""Reads of the taxonomies shared by other apps (directory filters, observatory, matching)."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from filiere.core.loading import read_csv
from filiere.taxonomy.importers import rome_file, rome_versions
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


APPELLATION_SEARCH_LIMIT = 20


@lru_cache(maxsize=2)
def _folded_appellations(version: int) -> list[tuple[str, str, str]]:
    from filiere.core.text import fold
    from filiere.taxonomy.models import RomeAppellation

    rows = RomeAppellation.objects.order_by("label").values_list("code_ogr", "label")
    return [(code, label, fold(label)) for code, label in rows]


def appellation_search(*, query: str, limit: int = APPELLATION_SEARCH_LIMIT) -> list[tuple[str, str]]:
    """ROME appellations (OGR code, label) for a picker: the code itself, else labels holding
    every word of `query` (accents and case ignored), those starting with it first."""
    from filiere.core.text import fold
    from filiere.taxonomy.models import RomeAppellation

    query = query.strip()
    if not query:
        return []
    if query.isdigit():
        return list(RomeAppellation.objects.filter(code_ogr=query).values_list("code_ogr", "label"))
    words = fold(query).split()
    rows = _folded_appellations(RomeAppellation.objects.count())
    found = [(not folded.startswith(words[0]), len(label), code, label) for code, label, folded in rows
             if all(word in folded for word in words)]  # fmt: skip
    return [(code, label) for *_, code, label in sorted(found)[:limit]]


def appellation_by_label(label: str) -> list[tuple[str, str]]:
    """The appellations whose label is `label` (accents and case ignored): what a person typed
    without choosing in the list."""
    from filiere.core.text import fold
    from filiere.taxonomy.models import RomeAppellation

    wanted = fold(label)
    rows = _folded_appellations(RomeAppellation.objects.count())
    return [(code, label) for code, label, folded in rows if folded == wanted]


# --- ROME texts and centres of interest (read from the reference files, not stored) ---------------


@lru_cache(maxsize=1)
def _rome_texts() -> dict[str, dict[str, list[str]]]:
    if not rome_versions():
        return {}
    texts: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for row in read_csv(rome_file("texte")):
        kind = texts.setdefault(row["code_rome"], {}).setdefault(row["libelle_type_texte"], [])
        # The file doubles apostrophes ("l''analyse"), an SQL-style escape left in the export.
        kind.append((int(row["position_phrase"] or 0), row["libelle_texte"].replace("''", "'")))
    return {code: {k: [t for _n, t in sorted(v)] for k, v in kinds.items()} for code, kinds in texts.items()}


def rome_texts(code: str) -> dict[str, list[str]]:
    """France Travail's texts of a ROME métier by kind ("definition", "acces_emploi", …), each a
    list of sentences in order; empty when the ROME files are absent. French only (ROME has no
    English)."""
    return _rome_texts().get(code, {})


@lru_cache(maxsize=1)
def rome_interests() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """ROME 4.0 centres of interest ("J'aime faire des découvertes"…) with the ROME codes France
    Travail attaches to each: (code, French label, ROME codes)."""
    if not rome_versions():
        return ()
    found: dict[str, tuple[str, list[str]]] = {}
    for row in read_csv(rome_file("arborescence_centre_interet")):
        label, codes = found.setdefault(row["code_centre_interet"], (row["libelle_centre_interet"], []))
        if row["code_rome"] not in codes:
            codes.append(row["code_rome"])
    return tuple((code, label, tuple(codes)) for code, (label, codes) in found.items())
