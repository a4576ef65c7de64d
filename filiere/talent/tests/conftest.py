"""Fixtures of the talent tests: a small hand-built taxonomy, fresh engine caches, fast hashing."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches
from filiere.matching.tests.skills import hand_built_skills


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (each test's taxonomy is hand-built). The
    department centres of `territories.geo` need no reset: they follow the departments' rows."""
    yield from engine_with_fresh_caches(settings, tmp_path_factory)


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """Six ESCO-backed skills with the alternative labels people type."""
    rows = {
        "java": ("Java (programmation informatique)", ["Java"]),
        "sql": ("SQL", ["langage SQL", "bases de données SQL"]),
        "js": ("JavaScript", ["JS"]),
        "linux": ("Linux", ["administration Linux"]),
        "security": ("cybersécurité", ["sécurité informatique"]),
        "excel": ("utiliser un tableur", ["Excel"]),
    }
    return hand_built_skills(rows)
