"""The demo needs load on the B2B days' organisations and reloading changes nothing."""

from __future__ import annotations

import pytest

from filiere.accounts.models import User
from filiere.meetings.demo import load_meetings_demo
from filiere.meetings.needs.demo import demo_accounts
from filiere.meetings.needs.models import BuyerNeed, NeedInvitation, PathStatus
from filiere.meetings.tests.factories import cluster
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import DepartmentFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_demo_needs_are_idempotent() -> None:
    RegionFactory(code="76", name="Occitanie")
    RegionFactory(code="44", name="Grand Est")
    DepartmentFactory(code="31", name="Haute-Garonne", region_id="76")
    DepartmentFactory(code="54", name="Meurthe-et-Moselle", region_id="44")
    cluster("Digital 113", region_code="76", department_code="31")
    OrganisationFactory(name="Région Grand Est", kind=Kind.PUBLIC_BODY, siren=None)
    first = load_meetings_demo()
    paths = NeedInvitation.objects.count()
    assert first["needs"] == 2 and paths == 10
    assert load_meetings_demo() == first and NeedInvitation.objects.count() == paths
    aircraft = BuyerNeed.objects.get(organisation__name="Airbus")
    assert aircraft.confidential and aircraft.project_started and aircraft.outcome == "awarded"
    selected = aircraft.invitations.get(status=PathStatus.SELECTED)
    assert selected.answered_at is not None and selected.selected_at is not None
    assert selected.organisation.name == "U-Need" and selected.answered_at < selected.selected_at
    buyer = User.objects.get(username="rdv-claire-airbus")
    assert buyer.has_usable_password() and aircraft.created_by == buyer
    assert {username for username, _p, _d in demo_accounts()} <= set(
        User.objects.values_list("username", flat=True)
    )
    hospital = BuyerNeed.objects.get(organisation__name="CHRU de Nancy")
    assert not hospital.confidential and hospital.invitations.filter(answered_at__isnull=False).count() == 2
