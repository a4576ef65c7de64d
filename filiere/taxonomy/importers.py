"""Load NAF rév. 2, ROME 4.0 and ESCO from ``FILIERE_DATA_DIR``, idempotently.

Each ``load_*`` function upserts on the official code, in one transaction, and returns
created / updated / unchanged counts per table. A second run writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlrd
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from filiere.core.imports import ImportReport
from filiere.core.loading import data_dir, data_file, flag, read_csv, split_labels, upsert, upsert_m2m
from filiere.taxonomy.models import (
    EscoOccupation,
    EscoOccupationSkill,
    EscoSkill,
    NafCode,
    RomeAppellation,
    RomeCompetence,
    RomeItemKind,
    RomeMetier,
    RomeMetierCompetence,
    RomeMobility,
    RomeNafSector,
    Skill,
    SkillKind,
)

NAF_CSV = "naf/naf_rev2_tous_niveaux.csv"
NAF_XLS_LABELS = "naf/int_courts_naf_rev_2.xls"
NAF_XLS_LEVELS = "naf/naf2008_5_niveaux.xls"
NAF_C1385_CSV = "naf/secteur_numerique_tic_insee_c1385.csv"
ROME = "rome/unix_{name}_v{version}_utf8.csv"
ROME_PATTERN = re.compile(r"^unix_.+_v(\d+)_utf8\.csv(?:\.gz)?$")
ESCO_SKILLS = "esco/skills_fr_v1.2.0_merged.csv"
ESCO_OCCUPATIONS = "esco/occupations_fr_v1.2.0_merged.csv"
ESCO_RELATIONS = "esco/occupation_skill_relations_v1.2.0_derived.csv"


# INSEE's definition c1385 of the ICT sector ("secteur des technologies de l'information et de la
# communication", OECD definition, INSEE page updated 2023-08-02: https://www.insee.fr/fr/metadonnees/
# definition/c1385): the 25 NAF rév. 2 sous-classes and their ICT sub-sector. INSEE publishes it as a
# web page, not a file: this constant is used when ``naf/secteur_numerique_tic_insee_c1385.csv`` is
# absent from the data directory (a test checks that both agree).
C1385_SOURCE = "INSEE definition c1385 (OCDE), maj 02/08/2023"
C1385_ICT_SUBSECTORS: dict[str, str] = {
    "26.11Z": "industries TIC (fabrication)",
    "26.12Z": "industries TIC (fabrication)",
    "26.20Z": "industries TIC (fabrication)",
    "26.30Z": "industries TIC (fabrication)",
    "26.40Z": "industries TIC (fabrication)",
    "26.80Z": "industries TIC (fabrication)",
    "46.51Z": "commerce de gros TIC",
    "46.52Z": "commerce de gros TIC",
    "58.21Z": "edition de logiciels",
    "58.29A": "edition de logiciels",
    "58.29B": "edition de logiciels",
    "58.29C": "edition de logiciels",
    "61.10Z": "telecommunications",
    "61.20Z": "telecommunications",
    "61.30Z": "telecommunications",
    "61.90Z": "telecommunications",
    "62.01Z": "programmation, conseil et autres activites informatiques",
    "62.02A": "programmation, conseil et autres activites informatiques",
    "62.02B": "programmation, conseil et autres activites informatiques",
    "62.03Z": "programmation, conseil et autres activites informatiques",
    "62.09Z": "programmation, conseil et autres activites informatiques",
    "63.11Z": "traitement de donnees, hebergement, portails",
    "63.12Z": "traitement de donnees, hebergement, portails",
    "95.11Z": "reparation d'ordinateurs et d'equipements de communication",
    "95.12Z": "reparation d'ordinateurs et d'equipements de communication",
}

_NAF_LEVEL_PATTERNS = (
    ("division", re.compile(r"^\d{2}$")),
    ("groupe", re.compile(r"^\d{2}\.\d$")),
    ("classe", re.compile(r"^\d{2}\.\d{2}$")),
    ("sous_classe", re.compile(r"^\d{2}\.\d{2}[A-Z]$")),
)


def _existing(relative: str) -> Path | None:
    """The data file (plain or ``.gz``) if it exists, else None."""
    base = data_dir()
    for candidate in (base / relative, base / f"{relative}.gz"):
        if candidate.is_file():
            return candidate
    return None


def naf_source() -> str:
    """Which NAF files ``load_naf`` reads: ``"csv"`` (conversions) or ``"xls"`` (INSEE's workbooks)."""
    return "csv" if _existing(NAF_CSV) else "xls"


def _xls_code(value: Any) -> str:
    """A code cell as text: Excel stores some division codes as numbers (98.0 → "98")."""
    if isinstance(value, float):
        return f"{int(value):02d}" if value.is_integer() else str(value)
    return str(value).strip()


def _xls_sheet(relative: str) -> xlrd.sheet.Sheet:
    path = data_file(relative)
    try:
        return xlrd.open_workbook(str(path)).sheet_by_index(0)
    except (xlrd.XLRDError, OSError, ValueError, IndexError) as exc:
        raise CommandError(
            _("Classeur XLS illisible : %(path)s (%(error)s).") % {"path": path, "error": exc}
        ) from exc


def naf_rows_from_xls() -> list[dict[str, str]]:
    """NAF rows (the columns of ``naf_rev2_tous_niveaux.csv``) read from INSEE's two XLS workbooks.

    ``int_courts_naf_rev_2.xls`` gives every code of the 5 levels with its long, 65- and
    40-character labels ("SECTION A" for sections; blank separator lines); ``naf2008_5_niveaux.xls``
    gives, for each sous-classe, its classe, groupe, division and section, hence every parent.
    Labels are stripped of the trailing spaces the workbook carries.
    """
    hierarchy = _xls_sheet(NAF_XLS_LEVELS)
    parents: dict[str, str] = {}
    for index in range(1, hierarchy.nrows):
        chain = [_xls_code(v) for v in hierarchy.row_values(index)[:5]]
        if not all(chain):
            continue
        for child, parent in zip(chain, chain[1:], strict=False):
            parents.setdefault(child, parent)
    labels = _xls_sheet(NAF_XLS_LABELS)
    rows: list[dict[str, str]] = []
    for index in range(1, labels.nrows):
        values = labels.row_values(index)
        code = _xls_code(values[1]) if len(values) > 4 else ""
        if not code:
            continue
        if code.upper().startswith("SECTION "):
            code, level, parent = code.split()[-1], "section", ""
        else:
            level = next((name for name, pattern in _NAF_LEVEL_PATTERNS if pattern.match(code)), "")
            parent = parents.get(code, "")
            if not level or not parent:
                raise CommandError(
                    _("%(path)s, ligne %(line)d : code NAF inattendu %(code)r (absent de %(levels)s ?).")
                    % {"path": NAF_XLS_LABELS, "line": index + 1, "code": code, "levels": NAF_XLS_LEVELS}
                )
        rows.append(
            {
                "code": code,
                "niveau": level,
                "libelle": str(values[2]).strip(),
                "libelle_65": str(values[3]).strip(),
                "libelle_40": str(values[4]).strip(),
                "parent": parent,
            }
        )
    return rows


def naf_digital_subsectors() -> dict[str, str]:
    """The c1385 ICT sous-classes → sub-sector: the CSV in the data directory, else the constant."""
    if _existing(NAF_C1385_CSV):
        return {r["sous_classe"]: r["sous_secteur_tic"] for r in read_csv(NAF_C1385_CSV)}
    return dict(C1385_ICT_SUBSECTORS)


@transaction.atomic
def load_naf(*, progress: bool = False) -> ImportReport:
    """Upsert the 1,728 NAF codes (5 levels), flagging the 25 c1385 digital sous-classes.

    Reads ``naf/naf_rev2_tous_niveaux.csv`` when present, else INSEE's official workbooks
    (``naf/int_courts_naf_rev_2.xls`` and ``naf/naf2008_5_niveaux.xls``) directly.
    """
    digital = naf_digital_subsectors()
    source = read_csv(NAF_CSV) if naf_source() == "csv" else naf_rows_from_xls()
    rows = [
        {
            "code": r["code"],
            "level": r["niveau"],
            "label": r["libelle"],
            "label_65": r["libelle_65"][:65],
            "label_40": r["libelle_40"][:40],
            "parent_id": r["parent"] or None,
            "is_digital": r["code"] in digital,
            "ict_subsector": digital.get(r["code"], ""),
        }
        for r in source
    ]
    counts = ImportReport()
    counts.add("naf", upsert(NafCode, rows, progress=progress))
    return counts


def rome_versions() -> list[int]:
    """The ROME versions (460 for ``unix_*_v460_utf8.csv``) present in ``rome/``, highest first."""
    folder = data_dir() / "rome"
    if not folder.is_dir():
        return []
    found = {int(m.group(1)) for p in folder.iterdir() if (m := ROME_PATTERN.match(p.name))}
    return sorted(found, reverse=True)


def rome_version() -> int:
    """The ROME version the loader reads: the highest present, used for every file."""
    versions = rome_versions()
    if not versions:
        raise CommandError(
            _("Aucun fichier ROME (rome/unix_*_vNNN_utf8.csv) dans %(path)s.") % {"path": data_dir()}
        )
    return versions[0]


def rome_file(name: str, version: int | None = None) -> str:
    """Relative path of a ROME file (``referentiel_code_rome`` …) in the version the loader reads."""
    return ROME.format(name=name, version=version or rome_version())


def _rome(name: str, version: int) -> Iterable[dict[str, str]]:
    return read_csv(rome_file(name, version))


@transaction.atomic
def load_rome(*, progress: bool = False) -> ImportReport:
    """Upsert ROME 4.0 métiers, appellations, compétences and savoirs, and their links.

    Reads ``rome/unix_<name>_v<NNN>_utf8.csv[.gz]`` in the highest version present (see ``rome_version``).
    """
    counts = ImportReport()
    version = rome_version()
    metiers = list(_rome("referentiel_code_rome", version))
    codes = {m["code_rome"] for m in metiers}
    counts.add(
        "metiers",
        upsert(
            RomeMetier,
            (
                {
                    "code": m["code_rome"],
                    "code_ogr": m["code_ogr"],
                    "label": m["libelle_rome"],
                    "transition_eco": m["transition_eco"],
                    "transition_num": flag(m["transition_num"]),
                    "transition_demo": flag(m["transition_demo"]),
                    "regulated": flag(m["emploi_reglemente"]),
                    "executive": flag(m["emploi_cadre"]),
                    "parent_id": m["code_rome_parent"]
                    if m["code_rome_parent"] in codes and m["code_rome_parent"] != m["code_rome"]
                    else None,
                }
                for m in metiers
            ),
            progress=progress,
        ),
    )
    counts.add(
        "appellations",
        upsert(
            RomeAppellation,
            (
                {
                    "code_ogr": a["code_ogr"],
                    "label": a["libelle_appellation_long"],
                    "label_short": a["libelle_appellation_court"],
                    "metier_id": a["code_rome"],
                    "classification": a["classification"],
                    "transition_num": flag(a["transition_num"]),
                    "rarely_used": flag(a["peu_usite"]),
                }
                for a in _rome("referentiel_appellation", version)
                if a["code_rome"] in codes
            ),
            progress=progress,
        ),
    )
    items: list[dict[str, Any]] = [
        {
            "code_ogr": c["code_ogr"],
            "kind": RomeItemKind.COMPETENCE,
            "nature": c["nature"],
            "label": c["libelle_competence"],
            "definition": c["definition"],
            "category": c["cat_comp"],
            "sub_category": c["sous_cat_comp"],
            "transition_num": flag(c["transition_num"]),
        }
        for c in _rome("referentiel_competence", version)
    ]
    items += [
        {
            "code_ogr": s["code_ogr_savoir"],
            "kind": RomeItemKind.SAVOIR,
            "nature": "Savoir",
            "label": s["libelle_savoir"],
            "definition": "",
            "category": s["categorie_savoir"],
            "sub_category": s["sous_categorie_savoir"],
            "transition_num": flag(s["transition_num"]),
        }
        for s in _rome("referentiel_savoir", version)
    ]
    counts.add("competences", upsert(RomeCompetence, items, progress=progress))
    item_codes = {i["code_ogr"] for i in items}

    counts.add(
        "metier_competences",
        upsert(
            RomeMetierCompetence,
            (
                {
                    "metier_id": link["code_rome"],
                    "competence_id": link["code_ogr"],
                    "is_core": bool(link["coeur_metier"]),
                    "core_kind": link["coeur_metier"],
                }
                for link in _rome("coherence_item", version)
                # The 178 other OGR codes are work contexts (contexte de travail), not skills: skipped.
                if link["code_rome"] in codes and link["code_ogr"] in item_codes
            ),
            key=("metier_id", "competence_id"),
            progress=progress,
        ),
    )

    counts.add(
        "naf_sectors",
        upsert(
            RomeNafSector,
            (
                {
                    "code": s["code_secteur_naf"],
                    "label": s["libelle_secteur_naf"],
                    "naf_division_id": s["code_secteur_naf"].zfill(2)
                    if s["code_secteur_naf"] != "0"
                    else None,
                }
                for s in _rome("secteur_naf", version)
            ),
            progress=progress,
        ),
    )
    counts.add(
        "metier_naf_sectors",
        upsert_m2m(
            RomeMetier.naf_sectors.through,
            (
                (s["code_rome"], s["code_secteur_naf"])
                for s in _rome("arborescence_secteur_naf", version)
                if s["code_rome"] in codes
            ),
            left="romemetier_id",
            right="romenafsector_id",
        ),
    )
    counts.add(
        "mobilities",
        upsert(
            RomeMobility,
            (
                {
                    "source_id": m["code_rome"],
                    "target_id": m["code_rome_cible"],
                    "order": int(m["numero_ordre"] or 0),
                }
                for m in _rome("rubrique_mobilite", version)
                if m["code_rome"] in codes and m["code_rome_cible"] in codes
            ),
            key=("source_id", "target_id"),
            progress=progress,
        ),
    )
    counts.add(
        "skill_concepts",
        upsert(
            Skill,
            (
                {"rome_competence_id": i["code_ogr"], "label": i["label"][:500], "kind": SkillKind.ROME}
                for i in items
            ),
            key=("rome_competence_id",),
            progress=progress,
        ),
    )
    return counts


@transaction.atomic
def load_esco(*, progress: bool = False) -> ImportReport:
    """Upsert ESCO skills and occupations (French labels) and occupation → skill relations."""
    counts = ImportReport()
    digital = {r["conceptUri"] for r in read_csv("esco/digitalSkillsCollection_en.csv")}
    transversal = {r["conceptUri"] for r in read_csv("esco/transversalSkillsCollection_en.csv")}
    skills = [
        {
            "uri": s["conceptUri"],
            "label_fr": s["preferredLabel_fr"][:500],
            "alt_labels_fr": split_labels(s["altLabels_fr"]),
            "label_en": s["preferredLabel_en"][:500],
            "skill_type": s["skillType_v1.0"],
            "reuse_level": s["reuseLevel_v1.0"],
            "broader_uris": split_labels(s["broaderUris"]),
            "is_digital": s["conceptUri"] in digital,
            "is_transversal": s["conceptUri"] in transversal,
        }
        for s in read_csv(ESCO_SKILLS)
    ]
    counts.add("skills", upsert(EscoSkill, skills, progress=progress))

    broader = {
        r["conceptUri"]: r["broaderUri"]
        for r in read_csv("esco/broaderRelationsOccPillar_en.csv")
        if r["conceptType"] == "Occupation"
    }
    occupations = [
        {
            "uri": o["conceptUri"],
            "code": o["code"],
            "isco_group": o["iscoGroup"],
            "label_fr": o["preferredLabel_fr"][:500],
            "alt_labels_fr": split_labels(o["altLabels_fr"]),
            "label_en": o["preferredLabel_en"][:500],
            "broader_uri": broader.get(o["conceptUri"], ""),
        }
        for o in read_csv(ESCO_OCCUPATIONS)
    ]
    counts.add("occupations", upsert(EscoOccupation, occupations, progress=progress))

    skill_uris = {s["uri"] for s in skills}
    occupation_uris = {o["uri"] for o in occupations}
    counts.add(
        "occupation_skills",
        upsert(
            EscoOccupationSkill,
            (
                {
                    "occupation_id": r["occupationUri"],
                    "skill_id": r["skillUri"],
                    "relation": r["relationType"],
                }
                for r in read_csv(ESCO_RELATIONS)
                if r["match"] == "unique"
                and r["occupationUri"] in occupation_uris
                and r["skillUri"] in skill_uris
            ),
            key=("occupation_id", "skill_id"),
            progress=progress,
        ),
    )
    counts.add(
        "skill_concepts",
        upsert(
            Skill,
            (
                {"esco_skill_id": s["uri"], "label": s["label_fr"] or s["label_en"], "kind": SkillKind.ESCO}
                for s in skills
            ),
            key=("esco_skill_id",),
            progress=progress,
        ),
    )
    return counts


LOADERS = {"naf": load_naf, "rome": load_rome, "esco": load_esco}
