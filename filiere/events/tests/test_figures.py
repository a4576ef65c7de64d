"""Figures other apps read: attendance per firm (support history), events per year (roadmaps),
attendance per year (organiser), and the personal space section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from filiere.events import selectors, services
from filiere.events.models import Registration, RegistrationStatus
from filiere.events.space import section
from filiere.roadmaps.computations import computations

from .factories import MembershipFactory, OrganisationFactory, UserFactory, cluster, make_event, staff_of

pytestmark = pytest.mark.django_db


def _past(**fields: Any) -> Any:
    start = timezone.now() - dt.timedelta(days=20)
    return make_event(starts_at=start, ends_at=start + dt.timedelta(hours=4), **fields)


def test_support_history_holds_the_events_a_firm_attended() -> None:
    firm: Any = OrganisationFactory(siren="123456789")
    came, missed = UserFactory(), UserFactory()
    for user in (came, missed):
        MembershipFactory(organisation=firm, user=user)
    attended, skipped = _past(title="Conext Days 2026"), _past(title="Atelier IA")
    Registration.objects.create(event=attended, user=came, organisation=firm, status="confirmed", sequence=1,
                                checked_in_at=attended.starts_at)  # fmt: skip
    Registration.objects.create(event=skipped, user=missed, organisation=firm, status="confirmed", sequence=1)
    [entry] = selectors.attendance_for_siren("123456789")
    assert entry["label"] == "Conext Days 2026 (Conférence, journée)"
    assert entry["kind"] == "Participation à un événement" and entry["provider"] == attended.organiser
    assert selectors.attendance_for_siren("999999999") == []


def test_attended_events_show_in_the_support_history_page(client: Any) -> None:
    firm: Any = OrganisationFactory(siren="123456789")
    person = UserFactory()
    MembershipFactory(organisation=firm, user=person)
    event = _past(title="Conext Days 2026")
    Registration.objects.create(event=event, user=person, organisation=firm, status="confirmed", sequence=1,
                                checked_in_at=event.starts_at)  # fmt: skip
    client.force_login(person)
    page = client.get(reverse("support:history", args=["123456789"])).content.decode()
    assert "Conext Days 2026" in page and "Participation à un événement" in page


def test_roadmap_indicator_counts_this_years_published_events_of_the_region() -> None:
    organiser = cluster()
    make_event(organiser=organiser)
    make_event(organiser=organiser, is_published=False)
    make_event(organiser=organiser, cancelled_at=timezone.now())
    make_event(organiser=organiser, region_code="44")
    function = computations()["events_this_year"].function
    this_year = timezone.now() + dt.timedelta(days=10)
    expected = Decimal(1) if this_year.year == timezone.localdate().year else Decimal(0)
    assert function("27") == expected


def test_yearly_figures_count_attended_and_no_shows() -> None:
    organiser = cluster()
    event = _past(organiser=organiser)
    for index, came in enumerate([True, True, False]):
        Registration.objects.create(event=event, user=UserFactory(), status=RegistrationStatus.CONFIRMED,
                                    sequence=index + 1, checked_in_at=event.starts_at if came else None)  # fmt: skip
    [year] = selectors.yearly_figures(organiser)
    assert (year.events, year.attendance.registered, year.attendance.attended, year.attendance.no_show) == (
        1,
        3,
        2,
        1,
    )


def test_space_section_lists_tickets_offers_and_check_in_links() -> None:
    event = make_event(capacity=1, title="Conext Days")
    holder, waiting = UserFactory(), UserFactory()
    seat = services.register(event=event, user=holder)
    services.register(event=event, user=waiting)
    services.cancel_registration(registration=seat, by=holder)
    mine = section(waiting)
    assert mine.links[0].count == 1  # one offer to answer
    door = section(staff_of(event.organiser))
    assert any("Accueil : Conext Days" == link.label for link in door.links)
