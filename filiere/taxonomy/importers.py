"""Load NAF rév. 2, ROME 4.0 and ESCO from ``FILIERE_DATA_DIR``, idempotently.

Each ``load_*`` function upserts on the official code, in one transaction, and returns
created / updated / unchanged counts per table. A second run writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from filiere.core.loading import Counts, flag, read_csv, split_labels, upsert, upsert_m2m
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

ROME = "rome/unix_{}_v460_utf8.csv"
ESCO_SKILLS = "esco/skills_fr_v1.2.0_merged.csv"
ESCO_OCCUPATIONS = "esco/occupations_fr_v1.2.0_merged.csv"
ESCO_RELATIONS = "esco/occupation_skill_relations_v1.2.0_derived.csv"


@transaction.atomic
def load_naf(*, progress: bool = False) -> Counts:
    """Upsert the 1,728 NAF codes (5 levels), flagging the 25 c1385 digital sous-classes."""
    digital = {
        r["sous_classe"]: r["sous_secteur_tic"] for r in read_csv("naf/secteur_numerique_tic_insee_c1385.csv")
    }
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
        for r in read_csv("naf/naf_rev2_tous_niveaux.csv")
    ]
    counts = Counts()
    counts.add("naf", upsert(NafCode, rows, progress=progress))
    return counts


def _rome(name: str) -> Iterable[dict[str, str]]:
    return read_csv(ROME.format(name))


@transaction.atomic
def load_rome(*, progress: bool = False) -> Counts:
    """Upsert ROME 4.0 métiers, appellations, compétences and savoirs, and their links."""
    counts = Counts()
    metiers = list(_rome("referentiel_code_rome"))
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
                for a in _rome("referentiel_appellation")
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
        for c in _rome("referentiel_competence")
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
        for s in _rome("referentiel_savoir")
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
                for link in _rome("coherence_item")
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
                for s in _rome("secteur_naf")
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
                for s in _rome("arborescence_secteur_naf")
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
                for m in _rome("rubrique_mobilite")
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
def load_esco(*, progress: bool = False) -> Counts:
    """Upsert ESCO skills and occupations (French labels) and occupation → skill relations."""
    counts = Counts()
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
