"""Observatory pages, downloads and API on a small directory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from filiere.core.testing import assert_openapi_snapshot
from filiere.observatory import selectors
from filiere.observatory.aggregates import recompute_aggregates

from .factories import OfficialFigureFactory, establishment

D = dt.date
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


@pytest.fixture
def observatory(reference_territories, settings):
    settings.OBSERVATORY_FIRST_YEAR = 2008
    for year in (2009, 2011, 2012, 2016, 2019, 2021):
        establishment(created=D(year, 3, 1), region="76", department="34", band="11")
    establishment(created=D(2010, 1, 1), region="76", department="31", band="02")
    establishment(created=D(2013, 1, 1), closed=D(2020, 5, 1), region="76", department="34")
    establishment(created=D(2015, 1, 1), naf="58.29C", band="21")
    establishment(created=D(2018, 1, 1), department="25")
    OfficialFigureFactory(territory_code="27", indicator="employment", year=2019, value=8000)
    OfficialFigureFactory(
        territory_level="old_region", territory_code="91", indicator="establishments", year=2014, value=4200
    )
    recompute_aggregates(end_year=2024)


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _table_rows(html: str, key: str) -> list[list[str]]:
    """Cells (text, tags stripped) of the table #table-<key>."""
    table = re.search(rf'<table id="table-{key}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>")[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def _number(text: str) -> float | None:
    text = text.replace("\u202f", "").replace("\xa0", "").replace("−", "-").replace(",", ".").strip()
    return None if text in ("", "—") else float(text)


def test_overview_shows_the_map_and_its_table(client, observatory):
    html = _page(client, reverse("observatory:overview"), to="2024")
    assert 'role="group"' in html and 'data-level="region"' in html
    rows = {r[1]: _number(r[2]) for r in _table_rows(html, "map")}
    assert rows["Occitanie"] == 7
    assert rows["Bourgogne-Franche-Comté"] == 2
    assert rows["Bretagne"] is None
    assert "Calculé le" in html or "calculés le" in html
    assert 'href="/observatoire/region/76/"' in html


def test_overview_by_department_and_growth_map(client, observatory):
    html = _page(client, reverse("observatory:overview"), niveau="departement", to="2024")
    assert 'data-level="department"' in html
    rows = {r[0]: _number(r[2]) for r in _table_rows(html, "map")}
    assert rows["34"] == 6 and rows["31"] == 1
    html = _page(client, reverse("observatory:overview"), mesure="growth", **{"from": "2016", "to": "2021"})
    rows = {r[0]: _number(r[2]) for r in _table_rows(html, "map")}
    # Occitanie: 6 active at the end of 2016, 7 at the end of 2021 → +16.7 %.
    assert rows["76"] == pytest.approx(16.7)


def test_region_page_series_equals_aggregates_and_csv_download(client, observatory):
    url = reverse("observatory:territory", args=["region", "76"])
    html = _page(client, url, **{"from": "2015", "to": "2024"})
    page_rows = [[_number(c) for c in row] for row in _table_rows(html, "series")]
    place = selectors.get_territory("region", "76")
    expected = selectors.territory_series(place, selectors.Period(2015, 2024))
    assert [r[:5] for r in page_rows] == [
        [r.year, r.active, r.creations, r.closures, r.jobs] for r in expected
    ]
    assert page_rows[-1][1] == 7  # 8 created, 1 closed in 2020
    response = client.get(url, {"from": "2015", "to": "2024", "format": "csv", "table": "series"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="observatoire-region-76-2015-2024-series.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [[_number(c) for c in line[:5]] for line in lines[1:]] == [r[:5] for r in page_rows]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheet_downloads(client, observatory, fmt):
    import tablib

    url = reverse("observatory:territory", args=["region", "76"])
    response = client.get(url, {"from": "2015", "to": "2024", "format": fmt, "table": "series"})
    assert response.status_code == 200
    data = tablib.Dataset().load(response.content, format=fmt)
    assert [int(row[0]) for row in data] == list(range(2015, 2025))
    assert [int(row[1]) for row in data][-1] == 7


def test_downloads_neutralise_formulas_and_pages_escape_html(client, observatory):
    OfficialFigureFactory(territory_code="27", year=2020, source='=HYPERLINK("http://x")<script>')
    url = reverse("observatory:territory", args=["region", "27"])
    html = _page(client, url)
    assert "<script>" not in html.split("</header>", 1)[1].replace('<script src="', "")
    assert "&lt;script&gt;" in html
    body = client.get(url, {"format": "csv", "table": "official"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_official_figures_next_to_computed_ones(client, observatory):
    html = _page(client, reverse("observatory:territory", args=["ancienne-region", "91"]))
    (row,) = _table_rows(html, "official")
    assert row[0].startswith("Établissements") and _number(row[3]) == 4200
    assert _number(row[5]) == 4  # Hérault's establishments active at the end of 2014


def test_old_region_page_uses_the_old_outline_and_stops_before_2016(client, observatory):
    html = _page(client, reverse("observatory:territory", args=["ancienne-region", "91"]))
    assert "Languedoc-Roussillon" in html
    assert 'data-level="old_region"' in html
    years = [int(r[0]) for r in _table_rows(html, "series")]
    assert years[-1] == 2015
    assert 'href="/observatoire/region/76/"' in html  # its successor


def test_region_page_before_2016_shows_its_former_regions(client, observatory):
    url = reverse("observatory:territory", args=["region", "76"])
    html = _page(client, url, **{"from": "2009", "to": "2020"})
    assert 'data-level="old_region"' in html
    lr = {int(r[0]): _number(r[1]) for r in _table_rows(html, "series_91")}
    mp = {int(r[0]): _number(r[1]) for r in _table_rows(html, "series_73")}
    assert lr[2012] == 3 and mp[2012] == 1
    assert max(lr) == 2015
    assert 'data-level="old_region"' not in _page(client, url, **{"from": "2017"})


def test_naf_and_band_breakdowns(client, observatory):
    html = _page(client, reverse("observatory:territory", args=["region", "27"]), to="2024")
    assert {r[0]: _number(r[2]) for r in _table_rows(html, "naf")} == {"62": 1, "58": 1}
    bands = {r[0]: _number(r[2]) for r in _table_rows(html, "bands")}
    assert bands == {"01": 1, "21": 1}


def test_compare_page(client, observatory):
    html = _page(client, reverse("observatory:compare"), r=["27", "76", "zz"], to="2024")
    header = re.search(r'<table id="table-compare">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert "Bourgogne-Franche-Comté" in header and "Occitanie" in header
    rows = {int(r[0]): [_number(c) for c in r[1:]] for r in _table_rows(html, "compare")}
    assert rows[2024] == [2, 7]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "abc"},
        {"to": "99999"},
        {"from": "2030", "to": "1900"},
        {"from": "\x00"},
        {"niveau": "canton", "mesure": "<b>"},
    ],
)
def test_bad_query_strings_still_show_a_page(client, observatory, params):
    assert client.get(reverse("observatory:overview"), params).status_code == 200
    assert client.get(reverse("observatory:territory", args=["region", "27"]), params).status_code == 200
    assert (
        client.get(reverse("observatory:compare"), {**params, "r": ["27", "\x00", "<b>"]}).status_code == 200
    )


@pytest.mark.parametrize(
    "url",
    [
        "/observatoire/region/00/",
        "/observatoire/region/%3Cb%3E/",
        "/observatoire/region/%00/",
        "/observatoire/region/27%0027/",
        "/observatoire/canton/27/",
        "/observatoire/departement/99999999999/",
        "/observatoire/ancienne-region/76/",
        "/observatoire/region/27/?format=pdf",
        "/observatoire/region/27/?format=csv&table=nope",
    ],
)
def test_unknown_things_are_404(client, observatory, url):
    assert client.get(url).status_code == 404


def test_htmx_gets_the_content_partial(client, observatory):
    response = client.get(
        reverse("observatory:territory", args=["region", "27"]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="obs-content">') and "<html" not in html


def test_citable_url_holds_the_period(client, observatory):
    html = _page(client, reverse("observatory:territory", args=["region", "27"]), **{"from": "2012"})
    assert "http://testserver/observatoire/region/27/?from=2012&amp;to=" in html


def test_api_series_equals_the_page(client, observatory):
    url = reverse("observatory:territory", args=["departement", "34"])
    html = _page(client, url, **{"from": "2010", "to": "2022"})
    page_rows = [[_number(c) for c in row[:5]] for row in _table_rows(html, "series")]
    data = client.get("/api/observatory/territories/departement/34/series", {"from": 2010, "to": 2022}).json()
    assert data["territory"] == {"level": "departement", "code": "34", "name": "Hérault"}
    api_rows = [
        [y["year"], y["active"], y["creations"], y["closures"], y["estimated_jobs"]] for y in data["years"]
    ]
    assert api_rows == page_rows


def test_api_map_breakdowns_figures_and_compare(client, observatory):
    data = client.get("/api/observatory/map", {"level": "ancienne-region", "to": 2014}).json()
    values = {v["code"]: v["value"] for v in data["values"]}
    assert len(values) == 22 and values["91"] == 4
    naf = client.get("/api/observatory/territories/region/27/naf", {"year": "2024"}).json()
    assert {r["code"]: r["active"] for r in naf["rows"]} == {"62": 1, "58": 1}
    figures = client.get("/api/observatory/territories/ancienne-region/91/official-figures").json()
    assert figures[0]["value"] == "4200.00" and figures[0]["computed"] == 4
    compare = client.get("/api/observatory/compare", {"r": ["27", "76"], "to": 2024}).json()
    assert [r["code"] for r in compare["regions"]] == ["27", "76"]
    assert compare["active"]["76"]["2024"] == 7
    assert client.get("/api/observatory/status").json()["last_year"] == 2024


def test_api_unknown_territory_and_bad_values(client, observatory):
    assert client.get("/api/observatory/territories/region/00/series").status_code == 404
    assert client.get("/api/observatory/map", {"level": "epci"}).status_code == 404
    assert client.get("/api/observatory/territories/region/27/series", {"from": "abc"}).status_code == 200


def test_openapi_snapshot(client, db):
    assert_openapi_snapshot(client, "/api/observatory/", SNAPSHOT)


def test_department_epci_and_france_pages(client, observatory):
    html = _page(client, reverse("observatory:territory", args=["departement", "34"]), to="2024")
    assert 'href="/observatoire/region/76/"' in html  # its region
    assert 'href="/observatoire/epci/243400017/"' in html  # Montpellier Méditerranée Métropole
    assert _table_rows(html, "series")[-1][1] == "6"
    assert "Dijon Métropole" in _page(client, reverse("observatory:territory", args=["epci", "242100410"]))
    html = _page(client, reverse("observatory:territory", args=["france", "FR"]), to="2024")
    assert _table_rows(html, "series")[-1][1] == "9"
