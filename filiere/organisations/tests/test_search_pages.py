"""Directory search: pages and counts of the searches over one sample of names (prefixes, pages,
the count statement's order). The sample is built once for the module, in a transaction rolled
back at its end (`rolled_back_world`); each test reads it in a savepoint of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from filiere.core.testing import rolled_back_world
from filiere.organisations.selectors import DirectoryFilters, ordered_establishments, search_directory

from .factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [e.name for e in result.results]


@pytest.fixture
def no_time_for_exact_counts(monkeypatch):
    """Exact counting runs out of its time budget (as a broad query over a million rows does)."""
    from filiere.organisations import selectors

    monkeypatch.setattr(selectors.directory, "exact_counts", lambda *args, **kwargs: None)


def make_prefix_sample() -> None:
    for name, city in [
        ("Martin", "Dijon"),
        ("Martin SARL", "Dijon"),
        ("Martinez Frères", "Dijon"),
        ("Maréchal", "Beaune"),
        ("Boulangerie Martin", "Dijon"),
        ("Atelier", "Martigues"),
        ("Garage Marceau", "Dijon"),
        ("Zèbre", "Marseille"),
    ]:
        EstablishmentFactory(organisation__name=name, city=city)
    EstablishmentFactory(
        organisation__name="Martin Lyon", city="Lyon", region_code="84", department_code="69"
    )


@pytest.fixture(scope="module")
def _prefix_sample(django_db_setup: None, django_db_blocker: Any) -> Any:
    with rolled_back_world(django_db_blocker, make_prefix_sample):
        yield


@pytest.fixture
def prefix_sample(_prefix_sample: None, db: None) -> None:
    """The names of `make_prefix_sample`, for a test that may add rows of its own."""


@pytest.mark.parametrize("q", ["mar", "martin", "mart", "dijon", "martin sarl", "marc"])
@pytest.mark.parametrize("extra", [{}, {"region": ("27",)}, {"digital": True}])
@pytest.mark.parametrize("per_page", [1, 2, 3, 20])
def test_pages_of_many_matches_keep_the_directory_order(prefix_sample, q, extra, per_page):
    """Above the facet limit, pages come from the "starts with" B-tree then the rest by name."""
    from filiere.organisations.selectors import page_ids

    filters = DirectoryFilters(q=q, **extra)
    expected = list(ordered_establishments(filters).values_list("id", flat=True))
    for offset in range(0, len(expected) + per_page, per_page):
        assert page_ids(filters, offset, per_page, many=True) == expected[offset : offset + per_page]
    with override_settings(DIRECTORY_FACET_LIMIT=1):  # the page itself takes the fast path
        assert [e.pk for e in search_directory(filters, per_page=per_page).results] == expected[:per_page]


def test_name_prefix_hits_come_first(prefix_sample, no_time_for_exact_counts):
    with override_settings(DIRECTORY_FACET_LIMIT=2):
        result = search_directory(DirectoryFilters(q="mar"), per_page=5)
    assert result.count_is_lower_bound
    # Names that start with "mar" first (their order between them is the database collation's).
    assert set(names(result)) == {"Maréchal", "Martin", "Martin Lyon", "Martin SARL", "Martinez Frères"}
    with override_settings(DIRECTORY_FACET_LIMIT=2):
        result = search_directory(DirectoryFilters(q="martin"), per_page=5)
    # Whole word first, then as-typed prefix, then elsewhere in the text, each by name.
    assert names(result) == ["Martin", "Martin Lyon", "Martin SARL", "Martinez Frères", "Boulangerie Martin"]


@pytest.mark.parametrize("q", ["mar", "martin", "dijon", ""])
@pytest.mark.parametrize("extra", [{}, {"region": ("27",)}])
def test_pages_ordered_by_the_count_statement_are_the_directory_order(prefix_sample, q, extra):
    """Below the facet limit the count statement also orders the page (no second index search)."""
    for name in ("Éole", "eole", "Ébène", "abeille", "Zoé"):  # case and accents: the collation's order
        EstablishmentFactory(organisation__name=name, city="Dijon")
    filters = DirectoryFilters(q=q, **extra)
    expected = list(ordered_establishments(filters).values_list("id", flat=True))
    assert expected
    for per_page in (1, 3, 20):
        for page in range(1, len(expected) // per_page + 2):
            result = search_directory(filters, page=page, per_page=per_page)
            assert not result.count_is_lower_bound
            start = (result.page - 1) * per_page
            assert [e.pk for e in result.results] == expected[start : start + per_page], (per_page, page)


def test_a_search_below_the_facet_limit_reads_the_full_text_index_once(prefix_sample):
    from django.test.utils import CaptureQueriesContext

    marker = "MATCH" if connection.vendor == "sqlite" else "to_tsquery"
    with CaptureQueriesContext(connection) as captured:
        result = search_directory(DirectoryFilters(q="martin", region=("27",)))
    assert result.count == 4 and not result.count_is_lower_bound
    assert sum(marker in q["sql"] for q in captured.captured_queries) == 1


@pytest.mark.parametrize("q", ["martin", ""])
def test_a_page_far_beyond_the_last_gives_the_last_page(prefix_sample, q):
    filters = DirectoryFilters(q=q)
    expected = list(ordered_establishments(filters).values_list("id", flat=True))
    result = search_directory(filters, page=10**20, per_page=3)
    assert result.page == -(-len(expected) // 3)
    assert [e.pk for e in result.results] == expected[(result.page - 1) * 3 :]


def test_a_prefix_starting_more_rows_than_the_limit_is_sampled_without_spending_the_budget(
    prefix_sample, monkeypatch
):
    from filiere.organisations import selectors

    def never(*args, **kwargs):
        raise AssertionError("exact counting attempted")

    monkeypatch.setattr(selectors.directory, "exact_counts", never)
    with override_settings(DIRECTORY_FACET_LIMIT=2):
        result = search_directory(DirectoryFilters(q="mar"), per_page=5)
    assert result.count_is_lower_bound and result.count == 2
