"""A B2B programme ready for tests: an event of a cluster, its organiser, registered people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from filiere.accounts.models import Role
from filiere.events import services as events_services
from filiere.events.tests.factories import cluster, make_event, staff_of

__all__ = ["cluster", "make_day", "person"]
from filiere.meetings import services
from filiere.meetings.models import Participant, Programme
from filiere.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Day:
    programme: Programme
    organiser: Any  # an editor of the organising cluster
    buyer: Participant
    suppliers: list[Participant]


def person(name: str, organisation_name: str) -> tuple[Any, Any]:
    organisation = OrganisationFactory(name=organisation_name, siren=None)
    user = UserFactory(first_name=name, last_name=organisation_name, email=f"{name.lower()}@example.org")
    MembershipFactory(organisation=organisation, user=user, role=Role.EDITOR)
    return user, organisation


def make_day(*, suppliers: int = 2, slots: int = 4, tables: int = 2) -> Day:
    organiser_org = cluster("Digital 113", region_code="76", department_code="31")
    organiser = staff_of(organiser_org)
    event = make_event(organiser=organiser_org, title="Speed dating avionneur", capacity=100)
    programme = services.create_programme(
        by=organiser,
        event=event,
        first_slot_at=event.starts_at,
        slot_minutes=20,
        slots=slots,
        tables=tables,
        requests_close_at=timezone.now() + dt.timedelta(days=5),
    )

    def join(name: str, firm: str, role: str) -> Participant:
        user, organisation = person(name, firm)
        events_services.register(event=event, user=user, organisation=organisation)
        return services.join(programme=programme, user=user, role=role, organisation=organisation)

    buyer = join("Airbus", "Avionneur", "buyer")
    others = [join(f"Esn{i}", f"ESN {i}", "supplier") for i in range(suppliers)]
    return Day(programme, organiser, buyer, others)
