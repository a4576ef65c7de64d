"""Factories of the needs tests (campaigns, invitations, answers) on top of the directory's."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.needs.models import Answer, Campaign, Horizon, Invitation, NeedKind, NeedLine, Scope, Status
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RelationFactory,
    UserFactory,
)
from filiere.territories.models import Department, Region

__all__ = [
    "EstablishmentFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "RegionalRoleFactory",
    "RelationFactory",
    "UserFactory",
]

REGIONS = {"27": "Bourgogne-Franche-Comté", "44": "Grand Est"}
DEPARTMENTS = {
    "21": ("Côte-d'Or", "27"),
    "25": ("Doubs", "27"),
    "71": ("Saône-et-Loire", "27"),
    "67": ("Bas-Rhin", "44"),
}


def region(code: str = "27") -> Region:
    """The region `code` (created when the test database has no territories loaded)."""
    return Region.objects.get_or_create(code=code, defaults={"name": REGIONS.get(code, code)})[0]


def department(code: str) -> Department:
    name, region_code = DEPARTMENTS[code]
    return Department.objects.get_or_create(
        code=code, defaults={"name": name, "region": region(region_code)}
    )[0]


def company(*, department_code: str = "21", region_code: str = "27", band: str = "11", **kwargs: object):
    """A digital company with its head office in `department_code`."""
    org = OrganisationFactory(headcount_band=band, **kwargs)
    EstablishmentFactory(organisation=org, department_code=department_code, region_code=region_code)
    return org


def today() -> dt.date:
    return timezone.localdate()


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Enquête besoins {n}")
    region = factory.LazyFunction(lambda: region("27"))
    scope = Scope.REGION
    opens_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: today() + dt.timedelta(days=30))
    status = Status.OPEN
    reminder_after_days = 7

    class Params:
        draft = factory.Trait(status=Status.DRAFT)
        closed = factory.Trait(status=Status.CLOSED, closed_at=factory.LazyFunction(timezone.now))
        public = factory.Trait(results_public=True)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    department_code = "21"
    headcount_band = "11"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")

    class Params:
        sent = factory.Trait(
            sent_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10)),
            last_mailed_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10)),
        )
        answered = factory.Trait(answered_at=factory.LazyFunction(timezone.now))


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    invitation = factory.SubFactory(InvitationFactory, answered=True)


class NeedLineFactory(DjangoModelFactory):
    class Meta:
        model = NeedLine

    answer = factory.SubFactory(AnswerFactory)
    text = "développeur web"
    kind = NeedKind.TEXT
    label = factory.LazyAttribute(lambda line: line.text)
    family = "software"
    people = 1
    horizon = Horizon.MONTHS_6
    difficulty = 3
