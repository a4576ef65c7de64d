"""The in-process filter arrays select exactly what the SQL filters select."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from filiere.core.testing import rolled_back_world
from filiere.matching.testing import reset_engine_caches
from filiere.matching.tests.skills import hand_built_skills
from filiere.showcase import facets, selectors, services

from .factories import SKILL_ROWS, make_firm

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
    """The skills (as the showcase conftest's `skills`) and the five firms, built once for the
    module in a transaction rolled back at its end (`rolled_back_world`); each test runs in a
    savepoint of it. Built with the engine's caches emptied before and after, in a cache
    directory of its own, as `fresh_engine` does around each test."""
    from django.test import override_settings

    def build() -> tuple[dict[str, Any], list[Any]]:
        with override_settings(
            MATCHING_CACHE_DIR=str(tmp_path_factory.mktemp("matching")),
        ):
            reset_engine_caches(facets.reset)
            try:
                skills = hand_built_skills(SKILL_ROWS, uri_prefix="")
                return skills, _build_firms(skills)
            finally:
                reset_engine_caches(facets.reset)

    with rolled_back_world(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def skills(_world: Any, db: None) -> dict[str, Any]:
    """The module's skills, read again for each test."""
    from filiere.taxonomy.models import Skill

    rows = Skill.objects.in_bulk([skill.pk for skill in _world[0].values()])
    return {key: rows[skill.pk] for key, skill in _world[0].items()}


@pytest.fixture
def many_firms(_world: Any, db: None) -> list[Any]:
    """The module's five firms, read again for each test (what a test changes on an instance
    stays in that test)."""
    from filiere.organisations.models import Organisation

    rows = Organisation.objects.in_bulk([firm.pk for firm in _world[1]])
    return [rows[firm.pk] for firm in _world[1]]


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
