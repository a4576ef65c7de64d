"""The main directory journey in real Chromium (Debian's, driven by Playwright).

home → search "cite numerique" (typed without accents) → filter by region → organisation page →
CSV export of the search. Run with `pytest -m browser`; needs /usr/bin/chromium (`make chromium`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from .factories import EstablishmentFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context) -> Iterator:
    """A page of the shared headless Chromium context (root conftest)."""
    yield browser_context.new_page()


@pytest.fixture
def directory(transactional_db):
    """The journey's data, created before Playwright starts: code running inside the sync
    Playwright context gets its own Django connection (asgiref contexts), never closed."""
    from filiere.organisations.tests.factories import DepartmentFactory

    bfc = RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    occ = RegionFactory(code="76", name="Occitanie")
    DepartmentFactory(code="21", name="Côte-d'Or", region=bfc)
    DepartmentFactory(code="34", name="Hérault", region=occ)
    target = EstablishmentFactory(organisation__name="Cité numérique", city="Dijon")
    EstablishmentFactory(
        organisation__name="Cité numérique Sud", city="Montpellier", department_code="34", region_code="76"
    )
    EstablishmentFactory(organisation__name="Boulangerie Martin")
    return {"target": target}


def test_search_filter_open_and_export(directory, page, live_server):
    target = directory["target"]
    page.goto(live_server.url + "/")
    page.get_by_label("Rechercher une entreprise").fill("cite numerique")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/annuaire/?q=cite+numerique")
    assert page.locator("#result-count").inner_text().startswith("2 résultats")

    # Filtering by region: HTMX swaps the results in place and pushes the URL.
    page.get_by_role("checkbox", name="Bourgogne-Franche-Comté").check()
    page.wait_for_url("**region=27**")
    page.wait_for_function("document.querySelector('#result-count').innerText.startsWith('1 résultat')")
    results = page.locator(".result h3 a")
    assert results.all_inner_texts() == ["Cité numérique"]

    # The export link carries the same filters.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("annuaire-filiere-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["SIRET", "SIREN", "Nom"]
    assert [row[2] for row in table[1:]] == ["Cité numérique"]

    results.first.click()
    page.wait_for_url(f"**/annuaire/{target.organisation_id}/")
    assert page.locator("h1").inner_text().startswith("Cité numérique")
    assert target.siret in page.content()


def test_default_view_and_map_are_accessible(directory, page, live_server):
    from filiere.core.testing import assert_accessible

    page.goto(live_server.url + "/annuaire/")
    assert page.locator("#default-view").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Carte").click()
    page.wait_for_url("**vue=carte**")
    assert page.locator("svg.choropleth").count() == 1
    assert page.locator("#directory-map-table tbody tr").count() >= 1
    assert_accessible(page)
