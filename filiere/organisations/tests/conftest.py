"""Fixtures of the directory tests."""

from __future__ import annotations

import pytest

from .factories import DepartmentFactory, RegionFactory


@pytest.fixture
def territories(db):
    """Two regions and three departments (real codes), enough for the directory facets."""
    bfc = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    occ = RegionFactory(code="76", name="Occitanie")
    DepartmentFactory(code="21", name="Côte-d'Or", region=bfc)
    DepartmentFactory(code="25", name="Doubs", region=bfc)
    DepartmentFactory(code="34", name="Hérault", region=occ)
    return {"27": bfc, "76": occ}
