"""The JSON API: same numbers as the pages, the survey by token, and an OpenAPI snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot
from filiere.needs import selectors
from filiere.needs.models import Answer

from .factories import CampaignFactory, InvitationFactory, NeedLineFactory, RegionalRoleFactory, region

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_needs.json"


def test_campaign_list_hides_private_campaigns(client, bfc):
    public = CampaignFactory(public=True)
    CampaignFactory()
    assert [c["id"] for c in client.get("/api/needs/campaigns").json()] == [public.pk]
    client.force_login(RegionalRoleFactory(region=region("27")).user)
    assert len(client.get("/api/needs/campaigns").json()) == 2


def test_gaps_match_the_selector(client, bfc):
    campaign = CampaignFactory(public=True)
    NeedLineFactory(answer__invitation__campaign=campaign, answer__invitation__department_code="25", people=4)
    NeedLineFactory(
        answer__invitation__campaign=campaign, family="cyber", people=3, horizon="2-3y", label="cybersécurité"
    )
    data = client.get("/api/needs/gaps", {"campaign": campaign.pk}).json()
    table = selectors.gap_table(selectors.GapFilters(campaign=campaign))
    assert [(r["family"], r["department_code"], r["gap"]) for r in data["rows"]] == [
        (r.family, r.department_code, r.gap) for r in table.rows
    ]
    assert [(r["family"], r["gap"]) for r in data["rows"]] == [("software", 4.0), ("cyber", 1.2)]
    short = client.get("/api/needs/gaps", {"campaign": campaign.pk, "horizon": "6m"}).json()
    assert [r["family"] for r in short["rows"]] == ["software"]
    assert client.get("/api/needs/gaps", {"campaign": campaign.pk, "department": "75"}).status_code == 404
    assert client.get("/api/needs/gaps", {"campaign": CampaignFactory().pk}).status_code == 404


def test_results_match_the_page(client, bfc):
    campaign = CampaignFactory(public=True)
    NeedLineFactory(
        answer__invitation__campaign=campaign, kind="occupation", label="Data scientist", people=3
    )
    InvitationFactory(campaign=campaign)
    data = client.get(f"/api/needs/campaigns/{campaign.pk}/results").json()
    assert data["rates"]["overall"] == {
        "key": "",
        "label": "Ensemble",
        "invited": 2,
        "answered": 1,
        "rate": 0.5,
    }
    assert data["top_occupations"] == [{"label": "Data scientist", "people": 3, "companies": 1}]
    assert data["people"] == 3


def test_answer_by_token(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory())
    url = f"/api/needs/survey/{invitation.token}"
    payload = {
        "lines": [{"text": "Rust", "people": 2, "horizon": "1y", "difficulty": 4, "contract_types": ["cdi"]}]
    }
    response = client.put(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["lines"][0] | {"family": None} == {
        "text": "Rust",
        "kind": "text",
        "label": "Rust",
        "family": None,
        "people": 2,
        "horizon": "1y",
        "difficulty": 4,
        "contract_types": ["cdi"],
    }
    payload["lines"][0]["people"] = 0
    response = client.put(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert "lines-0-people" in response.json()["errors"]
    assert Answer.objects.get().lines.get().people == 2
    assert client.get("/api/needs/survey/" + "B" * 43).status_code == 404


def test_closed_campaign_refuses_api_answers(client, bfc):
    invitation = InvitationFactory(campaign=CampaignFactory(closed=True))
    payload = {"no_needs": True}
    response = client.put(
        f"/api/needs/survey/{invitation.token}", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 403 and "close depuis le" in response.json()["detail"]
    assert not Answer.objects.exists()


def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/needs/", SNAPSHOT)
