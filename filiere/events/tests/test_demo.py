"""The demo loader: the BFC network's 50+ events a year with registrations, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Q

from filiere.events import selectors
from filiere.events.demo import ORGANISERS, load_events_demo
from filiere.events.models import Event, EventKind, Registration, RegistrationStatus
from filiere.organisations.models import Kind

from .factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


@pytest.fixture
def network() -> None:
    for name in ORGANISERS:
        org = OrganisationFactory(name=name, kind=Kind.CLUSTER, siren=None)
        EstablishmentFactory(organisation=org, region_code="27", department_code="21", siret=None)
    for index in range(30):
        firm = OrganisationFactory(kind=Kind.COMPANY, siren=f"{100000000 + index}")
        EstablishmentFactory(organisation=firm, region_code="27", department_code="25", is_digital=True)


def test_demo_has_more_than_fifty_events_a_year_and_the_delegations(network: None) -> None:
    events = load_events_demo(now=NOW)
    assert events
    for year in (2025, 2026):
        assert selectors.events_per_year("27", year) > 50
    delegations = Event.objects.filter(kind=EventKind.DELEGATION).values_list("title", flat=True)
    assert any("CES Las Vegas 2026" in t for t in delegations) and any(
        "Vivatech 2026" in t for t in delegations
    )
    assert Event.objects.filter(title="Conext Days 2026", organiser__name="Nicéphore Cité").exists()
    assert Event.objects.filter(starts_at__gt=NOW).exists()  # some still open for registration


def test_demo_never_oversells_and_has_attendance(network: None) -> None:
    load_events_demo(now=NOW)
    confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
    for capacity, taken in Event.objects.annotate(taken=Count("registrations", filter=confirmed)).values_list(
        "capacity", "taken"
    ):
        assert taken <= capacity
    assert Registration.objects.filter(checked_in_at__isnull=False, event__ends_at__lt=NOW).exists()
    assert not Registration.objects.filter(checked_in_at__isnull=False, event__starts_at__gt=NOW).exists()
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).exists()


def test_loading_twice_changes_nothing(network: None) -> None:
    first = load_events_demo(now=NOW)
    counts = (Event.objects.count(), Registration.objects.count())
    assert len(load_events_demo(now=NOW)) == len(first) == counts[0]
    assert (Event.objects.count(), Registration.objects.count()) == counts


def test_nothing_without_the_directory_demo() -> None:
    assert load_events_demo(now=NOW) == []
