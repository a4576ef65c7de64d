"""The governance API: the public register, a person's memberships, the board's figures; the
same selectors and rights as the pages, and an OpenAPI snapshot."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from filiere.core.testing import assert_openapi_snapshot
from filiere.governance import services
from filiere.governance.models import Body, BodyKind, Decision, Meeting

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_governance.json"


def test_register_lists_public_decisions_with_the_vote_per_college(client: Any, world: Any) -> None:
    body = Body.objects.create(cluster=world.cluster, kind=BodyKind.ASSEMBLY, name="AG")
    meeting = Meeting.objects.create(body=body, starts_at=timezone.now(), agenda="Budget")
    public = Decision.objects.create(meeting=meeting, title="Budget")
    services.count_votes(decision=public, counts={world.cloud.pk: (3, 0, 0), world.startups.pk: (0, 3, 0)})
    hidden = Decision.objects.create(meeting=meeting, title="Personnel", is_public=False)
    services.count_votes(decision=hidden, counts={world.cloud.pk: (3, 0, 0)})
    data = client.get(f"/api/governance/clusters/{world.cluster.pk}/register").json()
    assert [d["title"] for d in data] == ["Budget"]
    assert data[0]["adopted"] is True and Decimal(data[0]["weighted_yes"]) == Decimal("0.6667")
    assert {v["college"]: (v["yes"], v["no"]) for v in data[0]["votes"]} == {
        "Cloud": (3, 0), "Start-ups & Entrepreneurs": (0, 3),
    }  # fmt: skip
    assert client.get(f"/api/governance/clusters/{world.firm.pk}/register").status_code == 404


def test_memberships_are_the_person_s_own(client: Any, world: Any) -> None:
    assert client.get("/api/governance/memberships").status_code == 403
    services.apply(college=world.startups, organisation=world.firm, by=world.firm_editor)
    client.force_login(world.firm_member)
    data = client.get("/api/governance/memberships").json()
    assert [(m["member"], m["college"], m["status"]) for m in data] == [
        ("Nuage Sud SAS", "Start-ups & Entrepreneurs", "active")
    ]
    client.force_login(world.outsider)
    assert client.get("/api/governance/memberships").json() == []


def test_figures_for_the_board_only(client: Any, world: Any) -> None:
    services.apply(college=world.startups, organisation=world.firm, by=world.firm_editor)
    url = f"/api/governance/clusters/{world.cluster.pk}/figures"
    client.force_login(world.firm_editor)
    assert client.get(url).status_code == 403
    client.force_login(world.board)
    data = client.get(url).json()
    assert data["members_by_college"] == [{"college": "Start-ups & Entrepreneurs", "members": 1}]
    assert data["working_capital"]["months"] is None
    assert client.get(f"/api/governance/clusters/{world.firm.pk}/figures").status_code == 404


def test_openapi_snapshot(client: Any) -> None:
    assert_openapi_snapshot(client, "/api/governance/", SNAPSHOT)
