"""Territories API and page on the real COG."""

from __future__ import annotations

import pytest

from .factories import CommuneFactory, DepartmentFactory


def _is_feature_collection(document: dict) -> bool:
    return document["type"] == "FeatureCollection" and all(
        f["type"] == "Feature"
        and set(f["properties"]) == {"code", "name"}
        and f["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        and f["geometry"]["coordinates"]
        for f in document["features"]
    )


def test_regions_with_their_departments(client, reference_territories):
    regions = {r["code"]: r for r in client.get("/api/territories/regions").json()}
    assert len(regions) == 26
    assert regions["76"]["name"] == "Occitanie"
    assert len(regions["76"]["departments"]) == 13
    assert {"code": "34", "name": "Hérault", "region_code": "76", "zone": "metro"} in regions["76"][
        "departments"
    ]


def test_one_region_and_unknown_region(client, reference_territories):
    assert client.get("/api/territories/regions/27").json()["name"] == "Bourgogne-Franche-Comté"
    assert client.get("/api/territories/regions/00").status_code == 404


def test_departments_of_a_region(client, reference_territories):
    codes = [d["code"] for d in client.get("/api/territories/departments", {"region": "27"}).json()]
    assert codes == ["21", "25", "39", "58", "70", "71", "89", "90"]


@pytest.mark.parametrize("query", ["saint-étienne", "SAINT ETIENNE", "Saint-Etienne"])
def test_commune_lookup_ignores_accents_case_and_hyphens(client, reference_territories, query):
    results = client.get("/api/territories/communes", {"q": query}).json()
    assert results[0]["code"] == "42218"  # the largest first


def test_commune_lookup_by_code(client, reference_territories):
    (paris,) = client.get("/api/territories/communes", {"q": "75056"}).json()
    assert paris["name"] == "Paris" and paris["epci_code"] == "200054781"
    (first,) = client.get("/api/territories/communes", {"q": "75101"}).json()
    assert first["kind"] == "arrondissement-municipal" and first["parent_code"] == "75056"


def test_commune_lookup_with_factories(client, db):
    CommuneFactory(name="Zœ-l'Évêché", code="X9999", department=DepartmentFactory(code="X98"))
    results = client.get("/api/territories/communes", {"q": "zoe l'eveche"}).json()
    assert [c["code"] for c in results] == ["X9999"]


@pytest.mark.parametrize(
    ("url", "count", "code", "name"),
    [
        ("/api/territories/regions.geojson", 18, "76", "Occitanie"),
        ("/api/territories/departments.geojson", 101, "34", "Hérault"),
        ("/api/territories/former-regions.geojson", 22, "91", "Languedoc-Roussillon"),
    ],
)
def test_geojson_feature_collections(client, reference_territories, url, count, code, name):
    response = client.get(url)
    assert response.status_code == 200
    document = response.json()
    assert _is_feature_collection(document)
    assert len(document["features"]) == count
    assert {"code": code, "name": name} in [f["properties"] for f in document["features"]]


def test_departments_geojson_of_one_region(client, reference_territories):
    document = client.get("/api/territories/departments.geojson", {"region": "27"}).json()
    assert len(document["features"]) == 8


def test_region_page_lists_regions_and_links_outlines(client, reference_territories):
    response = client.get("/territoires/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Occitanie" in html and "Hérault" in html
    assert "/api/territories/former-regions.geojson" in html
