"""Fixtures of the matching tests: the ESCO and ROME labels, loaded once for the package.

Only what the engine reads is loaded (skills, compétences/savoirs, occupations, appellations,
métiers; not the 220,000 relation rows), in bulk, which takes a few seconds; the rows are removed
at the end so other test modules still see empty taxonomy tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from filiere.taxonomy import models as m
from filiere.taxonomy.loading import read_csv, split_labels

TABLES = [
    "matching_documentvector",
    "matching_document",
    m.Skill._meta.db_table,
    m.RomeAppellation._meta.db_table,
    m.RomeMetier._meta.db_table,
    m.RomeCompetence._meta.db_table,
    m.EscoOccupation._meta.db_table,
    m.EscoSkill._meta.db_table,
]


def load_taxonomy_labels() -> dict[str, int]:
    """Bulk-insert the labels the matching engine uses from FILIERE_DATA_DIR."""
    esco = [
        m.EscoSkill(
            uri=r["conceptUri"],
            label_fr=r["preferredLabel_fr"][:500],
            alt_labels_fr=split_labels(r["altLabels_fr"]),
            label_en=r["preferredLabel_en"][:500],
        )
        for r in read_csv("esco/skills_fr_v1.2.0_merged.csv")
    ]
    m.EscoSkill.objects.bulk_create(esco, batch_size=2000)
    rome = [
        m.RomeCompetence(code_ogr=r["code_ogr"], kind="competence", label=r["libelle_competence"])
        for r in read_csv("rome/unix_referentiel_competence_v460_utf8.csv")
    ]
    rome += [
        m.RomeCompetence(code_ogr=r["code_ogr_savoir"], kind="savoir", label=r["libelle_savoir"])
        for r in read_csv("rome/unix_referentiel_savoir_v460_utf8.csv")
    ]
    rome = list({c.code_ogr: c for c in rome}.values())
    m.RomeCompetence.objects.bulk_create(rome, batch_size=2000)
    skills = [m.Skill(label=s.label_fr or s.label_en, kind="esco", esco_skill_id=s.uri) for s in esco]
    skills += [m.Skill(label=c.label[:500], kind="rome", rome_competence_id=c.code_ogr) for c in rome]
    m.Skill.objects.bulk_create(skills, batch_size=2000)
    m.EscoOccupation.objects.bulk_create(
        [
            m.EscoOccupation(
                uri=r["conceptUri"],
                label_fr=r["preferredLabel_fr"][:500],
                alt_labels_fr=split_labels(r["altLabels_fr"]),
                label_en=r["preferredLabel_en"][:500],
            )
            for r in read_csv("esco/occupations_fr_v1.2.0_merged.csv")
        ],
        batch_size=2000,
    )
    metiers = {
        r["code_rome"]: r["libelle_rome"] for r in read_csv("rome/unix_referentiel_code_rome_v460_utf8.csv")
    }
    m.RomeMetier.objects.bulk_create([m.RomeMetier(code=c, label=label) for c, label in metiers.items()])
    m.RomeAppellation.objects.bulk_create(
        [
            m.RomeAppellation(
                code_ogr=r["code_ogr"],
                label=r["libelle_appellation_long"],
                label_short=r["libelle_appellation_court"],
                metier_id=r["code_rome"],
            )
            for r in read_csv("rome/unix_referentiel_appellation_v460_utf8.csv")
            if r["code_rome"] in metiers
        ],
        batch_size=2000,
    )
    return {"skills": len(skills)}


def _clear() -> None:
    with connection.cursor() as cursor:  # raw deletes: the ORM collector is slow on 80,000 rows
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM matching_document_fts")
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")


@pytest.fixture(scope="package")
def _taxonomy_labels(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    from filiere.matching import gazetteer, occupations, services

    with django_db_blocker.unblock():
        _clear()
        counts = load_taxonomy_labels()
        gazetteer.reset_gazetteer()
        occupations.reset_occupation_index()
        services.reset_caches()
        yield counts
        _clear()
        gazetteer.reset_gazetteer()
        occupations.reset_occupation_index()
        services.reset_caches()


@pytest.fixture
def taxonomy(_taxonomy_labels: dict[str, int], db: None) -> dict[str, int]:
    """ESCO/ROME labels in the test database and a warm gazetteer (see the module docstring)."""
    return _taxonomy_labels


@pytest.fixture
def hashing_embedder() -> Iterator[Any]:
    """Swap in the fast deterministic test embedder for one test."""
    from filiere.matching.embeddings import HashingEmbedder, set_embedder
    from filiere.matching.services import reset_caches

    embedder = HashingEmbedder()
    previous = set_embedder(embedder)
    reset_caches()
    yield embedder
    set_embedder(previous)
    reset_caches()
