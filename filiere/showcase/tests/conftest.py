"""Fixtures of the showcase tests: a small hand-built taxonomy and fast password hashing."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches
from filiere.matching.tests.skills import hand_built_skills


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    from filiere.showcase import facets

    yield from engine_with_fresh_caches(settings, tmp_path_factory, facets.reset)


@pytest.fixture(autouse=True)
def sectors(request: Any) -> None:
    """The sector rows of migration 0002, reloaded if a transactional test flushed them."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if marker is None:
            return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    from filiere.showcase.models import Sector
    from filiere.showcase.sectors import sync_sectors

    if not Sector.objects.exists():
        sync_sectors(Sector)


def _transactional(request: Any) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """Five ESCO-backed skills with the alternative labels buyers type (machine learning, data)."""
    rows = {
        "ml": ("apprentissage automatique", ["machine learning", "ML"]),
        "data": ("science des données", ["data science", "traitement de données"]),
        "project": ("gestion de projets", ["management de projet", "conduite de projet"]),
        "systems": ("ingénierie des systèmes", ["ingénierie système"]),
        "python": ("Python (programmation informatique)", ["Python"]),
    }
    return hand_built_skills(rows, uri_prefix="")
