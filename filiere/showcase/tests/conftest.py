"""Fixtures of the showcase tests: a small hand-built taxonomy and fast password hashing."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches
from filiere.matching.tests.skills import hand_built_skills

from .factories import SKILL_ROWS


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied (the taxonomy of each test is hand-built)."""
    from filiere.showcase import facets

    yield from engine_with_fresh_caches(settings, tmp_path_factory, facets.reset)


@pytest.fixture
def skills(db: None) -> dict[str, Any]:
    """Five ESCO-backed skills with the alternative labels buyers type (machine learning, data)."""
    return hand_built_skills(SKILL_ROWS, uri_prefix="")
