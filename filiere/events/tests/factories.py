"""Factories of the events tests on top of the directory's."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.accounts.models import Role, User
from filiere.events.models import Event, EventKind
from filiere.organisations.models import Kind, Organisation
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

__all__ = ["EstablishmentFactory", "MembershipFactory", "OrganisationFactory", "UserFactory"]


def cluster(
    name: str = "Nicéphore Cité", region_code: str = "27", department_code: str = "71"
) -> Organisation:
    """A cluster with its establishment in `region_code`."""
    org: Any = OrganisationFactory(name=name, kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(
        organisation=org, region_code=region_code, department_code=department_code, siret=None
    )
    return org


def staff_of(organisation: Organisation, role: str = Role.EDITOR, **user: Any) -> User:
    membership: Any = MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user))
    return cast(User, membership.user)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    organiser = factory.LazyFunction(cluster)
    title = factory.Sequence(lambda n: f"Conext Days {n}")
    kind = EventKind.CONFERENCE
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=8))
    venue = "Nicéphore Cité, 34 quai Saint-Cosme"
    region_code = "27"
    department_code = "71"
    capacity = 10
    themes = factory.LazyFunction(lambda: ["industrie du futur"])
    is_published = True


def make_event(**fields: Any) -> Event:
    """An event (EventFactory, typed for mypy: calling a factory class reads as the factory)."""
    return EventFactory(**fields)
