"""The observatory in real Chromium (Debian's, driven by Playwright), with axe-core checks.

Must-show 4, 5, 7: the France map and its table, a region page with its period selector, the
comparison of regions, each without a serious or critical accessibility violation (axe-core 4.12).
Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.core.testing import assert_accessible
from filiere.observatory.aggregates import recompute_aggregates

from .factories import OfficialFigureFactory, establishment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_map_region_page_and_comparison(browser_context, live_server, reference_territories, settings):
    settings.OBSERVATORY_FIRST_YEAR = 2010
    for year in (2011, 2013, 2016, 2019, 2022):
        establishment(created=dt.date(year, 1, 1), region="76", department="34", band="11")
    establishment(created=dt.date(2015, 1, 1), region="27", department="21", band="02")
    OfficialFigureFactory(territory_code="76", indicator="employment", year=2020, value=45000)
    recompute_aggregates(end_year=2024)
    page = browser_context.new_page()

    page.goto(live_server.url + "/observatoire/?to=2024")
    assert page.locator('svg.choropleth[role="group"]').is_visible()
    assert page.locator('svg.choropleth path[data-code="76"] title').text_content() == (
        "Occitanie : 5 établissements"
    )
    assert_accessible(page)

    page.locator("#table-map").get_by_role("link", name="Occitanie").click()
    page.wait_for_url("**/observatoire/region/76/**")
    assert page.locator("h1").inner_text().startswith("Occitanie")
    assert_accessible(page)

    # The period selector updates the page in place (htmx) and the address stays citable.
    page.select_option("select[name=from]", "2011")
    page.wait_for_url("**from=2011**")
    first_year = page.locator("#table-series tbody tr th").first
    assert first_year.inner_text() == "2011"
    assert page.locator("#table-series_91").count() == 1  # Languedoc-Roussillon before 2016
    assert page.locator('svg.choropleth[data-level="old_region"]').is_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/observatoire/comparer/?r=27&r=76&to=2024")
    headers = page.locator("#table-compare thead th").all_inner_texts()
    assert headers == ["Année", "Bourgogne-Franche-Comté", "Occitanie"]
    assert_accessible(page)
