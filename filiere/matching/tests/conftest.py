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

from filiere.matching.testing import load_taxonomy_labels
from filiere.taxonomy import models as m

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


def _clear() -> None:
    with connection.cursor() as cursor:  # raw deletes: the ORM collector is slow on 80,000 rows
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
