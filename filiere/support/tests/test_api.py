"""The JSON API: the same catalogue, eligibility and report numbers as the pages; rights; snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_openapi_snapshot
from filiere.organisations.tests.factories import MembershipFactory, UserFactory
from filiere.support import reports
from filiere.support.models import Theme

from .factories import EngagementFactory, ServiceFactory, make_firm

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_support.json"


def test_catalogue_filters(client: Any, bfc: Any) -> None:
    aid = ServiceFactory(title="Chèque export", theme=Theme.EXPORT, is_regional_aid_scheme=True)
    ServiceFactory(title="Diagnostic")
    ServiceFactory(title="Brouillon", is_published=False)
    assert sorted(s["title"] for s in client.get("/api/support/services").json()) == [
        "Chèque export",
        "Diagnostic",
    ]
    assert [s["id"] for s in client.get("/api/support/services", {"regional_aid": True}).json()] == [aid.pk]


def test_firm_services_with_reasons_and_errors(client: Any, bfc: Any) -> None:
    firm = make_firm(naf="62.01Z")
    ServiceFactory(title="Numérique", naf_prefixes=["62"])
    ServiceFactory(title="Commerce", naf_prefixes=["47"])
    data = client.get(f"/api/support/firms/{firm.siret}/services").json()
    assert [e["service"]["title"] for e in data["eligible"]] == ["Numérique"]
    assert data["eligible"][0]["reasons"][1].startswith("Activité visée : 62.01Z")
    assert [e["service"]["title"] for e in data["not_eligible"]] == ["Commerce"]
    malformed = client.get("/api/support/firms/12AB/services")
    assert malformed.status_code == 422 and "14 chiffres" in malformed.json()["detail"]
    assert client.get("/api/support/firms/99999999900011/services").status_code == 404


def test_report_is_the_pages_report_and_is_private(client: Any, bfc: Any) -> None:
    provider = ServiceFactory().provider
    EngagementFactory(provider=provider, siren="111111111", date=dt.date(2025, 2, 1), theme=Theme.EXPORT)
    EngagementFactory(provider=provider, siren="111111111", date=dt.date(2025, 3, 1))
    EngagementFactory(provider=provider, siren="222222222", date=dt.date(2024, 12, 1))
    url = f"/api/support/reports/{provider.pk}/provider"
    assert client.get(url, {"year": 2025}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url, {"year": 2025}).status_code == 403
    client.force_login(MembershipFactory(organisation=provider, role=Role.MEMBER).user)
    data = client.get(url, {"year": 2025, "quarter": 1}).json()
    page = reports.support_report(organisation=provider, role="provider", period=reports.Period(2025, 1))
    assert (data["firms"], data["previous_firms"], data["engagements"]) == (
        page.firms,
        page.previous_firms,
        2,
    )
    assert (data["firms"], data["previous_firms"], data["period"], data["previous_period"]) == (
        1,
        1,
        "T1 2025",
        "T4 2024",
    )
    assert {r["key"]: r["firms"] for r in data["by_theme"]} == {"transformation": 1, "export": 1}
    assert client.get(f"/api/support/reports/{provider.pk}/funder").status_code == 404


def test_openapi_snapshot(client: Any) -> None:
    assert_openapi_snapshot(client, "/api/support/", SNAPSHOT)
