"""Load the taxonomy labels the engine reads, in bulk, for tests and benchmarks.

Only skills, compétences/savoirs, occupations, appellations and métiers (not the 220,000
relation rows the full importers also write): a few seconds instead of a minute. Production
loads the taxonomy with `filiere reference load`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from filiere.core.loading import insert_rows, read_csv, split_labels
from filiere.matching.gazetteer import ensure_curated_skills
from filiere.taxonomy import models as m
from filiere.taxonomy.importers import rome_file


def load_taxonomy_labels() -> dict[str, int]:
    """Bulk-insert the labels the matching engine uses from FILIERE_DATA_DIR."""
    esco = [
        {
            "uri": r["conceptUri"],
            "label_fr": r["preferredLabel_fr"][:500],
            "alt_labels_fr": split_labels(r["altLabels_fr"]),
            "label_en": r["preferredLabel_en"][:500],
            "skill_type": r["skillType_v1.0"],
        }
        for r in read_csv("esco/skills_fr_v1.2.0_merged.csv")
    ]
    insert_rows(m.EscoSkill, esco)
    rome = [
        {"code_ogr": r["code_ogr"], "kind": "competence", "label": r["libelle_competence"]}
        for r in read_csv(rome_file("referentiel_competence"))
    ]
    rome += [
        {"code_ogr": r["code_ogr_savoir"], "kind": "savoir", "label": r["libelle_savoir"]}
        for r in read_csv(rome_file("referentiel_savoir"))
    ]
    rome = list({c["code_ogr"]: c for c in rome}.values())
    insert_rows(m.RomeCompetence, rome)
    skills = [
        {"label": s["label_fr"] or s["label_en"], "kind": "esco", "esco_skill_id": s["uri"]} for s in esco
    ]
    skills += [{"label": c["label"][:500], "kind": "rome", "rome_competence_id": c["code_ogr"]} for c in rome]
    insert_rows(m.Skill, skills)
    insert_rows(
        m.EscoOccupation,
        [
            {
                "uri": r["conceptUri"],
                "label_fr": r["preferredLabel_fr"][:500],
                "alt_labels_fr": split_labels(r["altLabels_fr"]),
                "label_en": r["preferredLabel_en"][:500],
            }
            for r in read_csv("esco/occupations_fr_v1.2.0_merged.csv")
        ],
    )
    metiers = {r["code_rome"]: r["libelle_rome"] for r in read_csv(rome_file("referentiel_code_rome"))}
    insert_rows(m.RomeMetier, [{"code": c, "label": label} for c, label in metiers.items()])
    insert_rows(
        m.RomeAppellation,
        [
            {
                "code_ogr": r["code_ogr"],
                "label": r["libelle_appellation_long"],
                "label_short": r["libelle_appellation_court"],
                "metier_id": r["code_rome"],
            }
            for r in read_csv(rome_file("referentiel_appellation"))
            if r["code_rome"] in metiers
        ],
    )
    ensure_curated_skills()
    return {"skills": len(skills)}


def engine_with_fresh_caches(
    settings: Any, tmp_path_factory: Any, *also: Callable[[], None]
) -> Iterator[None]:
    """For an autouse fixture (`yield from`): the engine with empty caches around each test.

    Tests build their own small taxonomies, so the gazetteer, the per-process search arrays and
    the on-disk cache must not carry over from one test to the next; `also` resets an app's own
    caches (showcase facets, the department distances of territories.geo).
    """
    settings.MATCHING_CACHE_DIR = str(tmp_path_factory.mktemp("matching"))
    reset_engine_caches(*also)
    yield
    reset_engine_caches(*also)


def reset_engine_caches(*also: Callable[[], None]) -> None:
    """Empty the engine's per-process caches (gazetteer, occupation index, search arrays) and
    those `also` resets: before and after a test, or a module's world, that builds its own
    taxonomy."""
    from filiere.matching import gazetteer, occupations, services

    gazetteer.reset_gazetteer()
    occupations.reset_occupation_index()
    services.reset_caches()
    for extra in also:
        extra()
