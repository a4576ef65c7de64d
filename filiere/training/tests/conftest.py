"""Fixtures of the training tests: fast password hashing and a small hand-built taxonomy."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches
from filiere.matching.tests.skills import hand_built_skills


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    yield from engine_with_fresh_caches(settings, tmp_path_factory)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files (queued imports) go to the test's own folder, never to the checkout's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """ESCO-backed skills of the digital trades, with the labels course texts use."""
    rows = {
        "python": ("Python (programmation informatique)", ["Python"]),
        "ml": ("apprentissage automatique", ["machine learning"]),
        "sql": ("SQL", ["langage SQL"]),
        "cyber": ("cybersécurité", ["sécurité informatique"]),
        "cloud": ("cloud computing", ["informatique en nuage"]),
        "avionics": ("maintenance aéronautique", ["maintenance d'aéronefs"]),
        "project": ("gestion de projets", ["conduite de projet"]),
    }
    return hand_built_skills(rows)
