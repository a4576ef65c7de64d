"""Directory API: search, detail, establishments, and the OpenAPI snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot

from .factories import EstablishmentFactory

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_organisations.json"


@pytest.mark.django_db
def test_search_with_filters_facets_and_pagination(client, territories):
    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(organisation__name="Citadelle Web", region_code="76", department_code="34")
    EstablishmentFactory(organisation__name="Boulangerie", organisation__is_digital=False)
    body = client.get("/api/organisations/search", {"q": "cit", "region": "27"}).json()
    assert body["count"] == 1
    assert not body["count_is_lower_bound"]
    assert [r["name"] for r in body["results"]] == ["Cité Numérique"]
    assert body["results"][0]["naf_label"] == "Programmation informatique"
    regions = next(f for f in body["facets"] if f["name"] == "region")
    assert regions["values"] == [
        {"value": "27", "label": "Bourgogne-Franche-Comté", "count": 1, "selected": True}
    ]
    body = client.get("/api/organisations/search", {"digital": "false"}).json()
    assert [r["name"] for r in body["results"]] == ["Boulangerie"]
    body = client.get("/api/organisations/search", {"per_page": 2, "page": 2}).json()
    assert body["count"] == 3 and body["num_pages"] == 2 and len(body["results"]) == 1


@pytest.mark.django_db
def test_api_and_page_count_the_same(client):
    for i in range(3):
        EstablishmentFactory(organisation__name=f"Numérique {i}")
    api_count = client.get("/api/organisations/search", {"q": "numerique"}).json()["count"]
    page = client.get("/annuaire/", {"q": "numerique"})
    assert api_count == page.context["result"].count == 3


@pytest.mark.django_db
def test_search_rejects_bad_paging(client):
    assert client.get("/api/organisations/search", {"per_page": 1000}).status_code == 422


@pytest.mark.django_db
def test_organisation_detail_and_establishments(client):
    est = EstablishmentFactory(
        organisation__name="Cité Numérique", organisation__website="https://example.org"
    )
    body = client.get(f"/api/organisations/{est.organisation_id}").json()
    assert body["name"] == "Cité Numérique"
    assert body["siren"] == est.organisation.siren
    assert body["naf_label"] == "Programmation informatique"
    establishments = client.get(f"/api/organisations/{est.organisation_id}/establishments").json()
    assert [e["siret"] for e in establishments] == [est.siret]
    assert establishments[0]["address"] == "1 rue de la Liberté"


@pytest.mark.django_db
def test_organisation_detail_unknown_is_404(client):
    assert client.get("/api/organisations/999999").status_code == 404
    assert client.get("/api/organisations/999999/establishments").status_code == 404


@pytest.mark.django_db
def test_non_diffusible_hidden_in_api(client):
    est = EstablishmentFactory(
        non_diffusible=True, organisation__name="Jean Dupont EI", organisation__website="https://jd.example"
    )
    body = client.get(f"/api/organisations/{est.organisation_id}").json()
    assert body["name"] == "Non diffusible"
    assert body["website"] == ""
    establishments = client.get(f"/api/organisations/{est.organisation_id}/establishments").json()
    assert establishments[0]["address"] == ""
    search = client.get("/api/organisations/search", {"q": "dijon"}).json()
    assert [r["name"] for r in search["results"]] == ["Non diffusible"]
    assert "Dupont" not in json.dumps(search)


@pytest.mark.django_db
def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/organisations/", SNAPSHOT)


def test_docs_page_is_served(client):
    assert client.get("/api/docs").status_code == 200
