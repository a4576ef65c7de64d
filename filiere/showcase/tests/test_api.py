"""The showcase API: same selectors as the pages, and an OpenAPI snapshot of this app's part."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot

from .factories import make_firm

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_showcase.json"


@pytest.fixture
def firms(skills):
    rail = make_firm(
        "Rail ML", skills=[skills["ml"]], sectors=["rail"], pitch="Machine learning ferroviaire.", capacity=3
    )
    make_firm(
        "Projets Aéro",
        skills=[skills["project"]],
        sectors=["aeronautics"],
        pitch="Gestion de projets.",
        capacity=0,
    )
    hidden = make_firm("Cachée ML", skills=[skills["ml"]], published=False)
    return {"rail": rail, "hidden": hidden}


def test_search_ranks_with_explanation(client, firms):
    data = client.get("/api/showcase/search", {"q": "apprentissage automatique pour le ferroviaire"}).json()
    assert data["ranked"] is True
    assert [r["name"] for r in data["results"]] == ["Rail ML"]
    assert data["detected_sectors"] == ["rail"]
    assert "secteur : ferroviaire" in data["results"][0]["explanation"]
    assert data["results"][0]["capacity_now"] == 3


def test_search_filters_and_browse(client, firms):
    data = client.get("/api/showcase/search", {"sector": "aeronautics"}).json()
    assert [r["name"] for r in data["results"]] == ["Projets Aéro"]
    data = client.get("/api/showcase/search", {"capacity_min": 1}).json()
    assert [r["name"] for r in data["results"]] == ["Rail ML"]


def test_search_bad_input_is_a_400_with_the_french_message(client, firms):
    response = client.get("/api/showcase/search", {"q": "\x00\x01binaire"})
    assert response.status_code == 400
    assert "binaire" in response.json()["detail"]


def test_search_huge_query_is_cut_with_a_notice(client, firms):
    response = client.get("/api/showcase/search", {"q": "machine learning " * 7_000})  # 112 kB
    assert response.status_code == 200
    data = response.json()
    assert "premiers ont été analysés" in data["notice"] and data["results"][0]["name"] == "Rail ML"


@pytest.mark.parametrize("text", ["", "<script>alert(1)</script>", "\x01\x02\x03\x04 \x05\x06"])
def test_search_empty_script_only_or_control_text_never_fails(client, firms, text):
    response = client.get("/api/showcase/search", {"q": text})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["detail"].startswith(("Le texte est vide", "Ce fichier semble binaire"))
    else:
        assert response.json()["ranked"] is False  # empty text browses


def test_profile_detail_and_hidden_profiles(client, firms):
    data = client.get(f"/api/showcase/firms/{firms['rail'].pk}").json()
    assert data["name"] == "Rail ML"
    assert data["target_sectors"] == ["rail"]
    assert data["competences"][0]["skill"] == "apprentissage automatique"
    assert client.get(f"/api/showcase/firms/{firms['hidden'].pk}").status_code == 404


def test_transferability_endpoints(client, firms):
    data = client.get(f"/api/showcase/firms/{firms['rail'].pk}/transferability").json()
    assert data["skill_count"] == 1 and data["naf_sectors"] == []
    assert client.get("/api/showcase/territories/99/transferability").status_code == 404


def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/showcase/", SNAPSHOT)
