"""The buyers' needs API: the same access functions as the pages (404 hidden, 403 seen but not
the buyer's part), the same figures, and an OpenAPI snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from filiere.core.testing import assert_openapi_snapshot
from filiere.meetings.needs import reminders, services
from filiere.meetings.needs.models import NeedInvitation

from .needs_fixtures import fresh_engine_fixture, post_need, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_buyer_needs.json"


@pytest.fixture
def need(world: Any) -> Any:
    need = post_need(world, confidential=True)
    [invitation] = services.invite(by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk])
    services.answer(by=world.people["U-Need"], invitation=invitation, answer="Oui", amount=90_000)
    return need


def test_confidential_need_hidden_from_a_firm_not_invited(client: Any, world: Any, need: Any) -> None:
    client.force_login(world.people["LabSoft"])
    assert client.get(f"/api/buyer-needs/{need.pk}").status_code == 404
    assert client.get(f"/api/buyer-needs/{need.pk}/answers").status_code == 404


def test_invited_firm_reads_the_need_without_figures_nor_answers(client: Any, world: Any, need: Any) -> None:
    client.force_login(world.people["U-Need"])
    body = client.get(f"/api/buyer-needs/{need.pk}").json()
    assert body["title"] == need.title and body["figures"] is None
    assert body["skills"] == ["hydrogène", "simulation numérique"]
    assert client.get(f"/api/buyer-needs/{need.pk}/answers").status_code == 403
    [path] = client.get("/api/buyer-needs/received").json()
    assert path["status"] == "answered" and path["answered_at"]


def test_buyer_reads_figures_answers_and_proposals(client: Any, world: Any, need: Any) -> None:
    client.force_login(world.buyer)
    body = client.get(f"/api/buyer-needs/{need.pk}").json()
    assert body["figures"]["answered"] == 1 and body["figures"]["mean_amount"] == 90_000
    [row] = client.get(f"/api/buyer-needs/{need.pk}/answers").json()
    assert (row["organisation"], row["amount"], row["answer"]) == ("U-Need", 90_000, "Oui")
    proposals = client.get(f"/api/buyer-needs/{need.pk}/proposals").json()
    labsoft = next(p for p in proposals if p["name"] == "LabSoft")
    assert labsoft["reasons"] and not labsoft["invited"]
    assert next(p for p in proposals if p["name"] == "U-Need")["invited"]
    assert [n["need_id"] for n in client.get("/api/buyer-needs/mine").json()] == [need.pk]


def test_each_path_says_when_its_firm_was_reminded(client: Any, world: Any) -> None:
    need = post_need(world, confidential=True)
    services.invite(
        by=world.buyer, need=need, organisation_ids=[world.firms["U-Need"].pk, world.firms["LabSoft"].pk]
    )
    assert reminders.remind_firms(now=timezone.now() + dt.timedelta(days=7)) == 2
    NeedInvitation.objects.filter(organisation=world.firms["LabSoft"]).update(reminded_at=None)
    reminded = NeedInvitation.objects.get(organisation=world.firms["U-Need"]).reminded_at
    assert reminded is not None
    reminded = reminded.replace(microsecond=reminded.microsecond // 1000 * 1000)  # JSON keeps milliseconds

    client.force_login(world.buyer)
    answers = {row["organisation"]: row for row in client.get(f"/api/buyer-needs/{need.pk}/answers").json()}
    assert dt.datetime.fromisoformat(answers["U-Need"]["reminded_at"]) == reminded
    assert answers["LabSoft"]["reminded_at"] is None
    # The firm reads its own path's reminder, as it reads every other step.
    client.force_login(world.people["U-Need"])
    [path] = client.get("/api/buyer-needs/received").json()
    assert dt.datetime.fromisoformat(path["reminded_at"]) == reminded


def test_buyer_member_may_not_read_the_proposals(client: Any, world: Any, need: Any) -> None:
    client.force_login(world.buyer_member)
    assert client.get(f"/api/buyer-needs/{need.pk}/proposals").status_code == 403


def test_anonymous_sees_nothing(client: Any, need: Any) -> None:
    assert client.get(f"/api/buyer-needs/{need.pk}").status_code == 404
    assert client.get("/api/buyer-needs/mine").json() == []


def test_openapi_snapshot(client: Any) -> None:
    assert_openapi_snapshot(client, "/api/buyer-needs/", SNAPSHOT)
