"""Fixtures of the support tests: a fresh matching engine, Bourgogne-Franche-Comté's territories."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.matching.testing import engine_with_fresh_caches
from filiere.organisations.tests.factories import DepartmentFactory, RegionFactory


@pytest.fixture(autouse=True)
def fresh_engine(settings: Any, tmp_path_factory: Any) -> Any:
    """The matching engine with its caches emptied around each test."""
    yield from engine_with_fresh_caches(settings, tmp_path_factory)


@pytest.fixture
def bfc(db: None) -> Any:
    """Bourgogne-Franche-Comté, three of its departments, and Nouvelle-Aquitaine with Gironde."""
    region = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    for code, name in (("21", "Côte-d'Or"), ("25", "Doubs"), ("71", "Saône-et-Loire")):
        DepartmentFactory(code=code, name=name, region=region)
    DepartmentFactory(code="33", name="Gironde", region=RegionFactory(code="75", name="Nouvelle-Aquitaine"))
    return region
