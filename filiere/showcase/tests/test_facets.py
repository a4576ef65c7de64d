"""The in-process filter arrays select exactly what the SQL filters select."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from filiere.showcase import facets, selectors, services

from .factories import make_firm, read_again, search_world

FILTERS = [
    {"region": "76"},
    {"region": "27"},
    {"department": "31"},
    {"sector": ["rail"]},
    {"sector": ["rail", "health"]},
    {"capacity_min": "3"},
    {"available_before": "2030-01-01"},
    {"available_before": "2026-01-01"},
    {"size": ["tpe"]},
    {"size": ["pme", "eti"]},
    {"validated": "1"},
    {"region": "76", "sector": ["finance"], "capacity_min": "1"},
]


def _build_firms(skills):
    firms = [
        make_firm("A", skills=[skills["ml"]], sectors=["rail"], capacity=5, headcount_band="03"),
        make_firm(
            "B",
            skills=[skills["data"]],
            sectors=["health", "rail"],
            capacity=0,
            region_code="27",
            department_code="21",
            available_from=dt.date(2029, 6, 1),
        ),  # fmt: skip
        make_firm(
            "C",
            skills=[skills["python"]],
            sectors=["finance"],
            capacity=1,
            department_code="30",
            headcount_band="32",
        ),  # fmt: skip
        make_firm("D", skills=[skills["ml"]], sectors=[], capacity=0, headcount_band="NN"),
        make_firm("E", skills=[skills["ml"]], sectors=["rail"], published=False),
    ]
    return firms


@pytest.fixture(scope="module")
def _world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The skills and the five firms, once for the module (`search_world`)."""
    with search_world(django_db_blocker, tmp_path_factory, _build_firms) as world:
        yield world


@pytest.fixture
def skills(_world: Any, db: None) -> dict[str, Any]:
    """The module's skills, read again for each test."""
    return read_again(_world[0])


@pytest.fixture
def many_firms(_world: Any, db: None) -> list[Any]:
    """The module's five firms, read again for each test."""
    return list(read_again(dict(enumerate(_world[1]))).values())


@pytest.mark.parametrize("params", FILTERS)
def test_arrays_select_what_sql_selects(many_firms, params):
    filters = selectors.ShowcaseFilters.from_params(params)
    expected = set(selectors.filter_profiles(filters).values_list("pk", flat=True))
    assert set(facets.profile_ids(filters).tolist()) == expected


def test_validation_and_unpublication_refresh_the_arrays(many_firms, skills):
    from filiere.showcase.models import CompetenceDeclaration

    filters = selectors.ShowcaseFilters.from_params({"validated": "1"})
    assert set(facets.profile_ids(filters).tolist()) == set()
    declaration = CompetenceDeclaration.objects.filter(organisation=many_firms[0]).first()
    from .factories import UserFactory

    services.validate_declaration(user=UserFactory(is_staff=True), declaration=declaration, approve=True)
    assert set(facets.profile_ids(filters).tolist()) == {many_firms[0].pk}
    everyone = selectors.ShowcaseFilters.from_params({"sector": ["rail"]})
    assert many_firms[0].pk in facets.profile_ids(everyone)
    services.update_profile(user=UserFactory(is_staff=True), organisation=many_firms[0], is_published=False)
    assert many_firms[0].pk not in facets.profile_ids(everyone)


@pytest.mark.parametrize("params", [{}, {"sector": ["rail"]}, {"region": "76"}])
def test_browse_pages_match_the_sql_order(many_firms, params, monkeypatch):
    filters = selectors.ShowcaseFilters.from_params(params)
    expected = list(
        selectors.filter_profiles(filters)
        .order_by("-capacity_now", "organisation__name", "pk")
        .values_list("pk", flat=True)
    )
    for per_page in (1, 2, 3):
        pages = []
        for page in range(1, 5):
            result = selectors.search_showcase(filters, page=page, per_page=per_page)
            assert result.count == len(expected)
            pages.extend(result.ids)
        assert pages == expected
