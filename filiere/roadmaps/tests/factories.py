"""Factories of the roadmaps tests (their own, so other apps' test helpers can change freely)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from filiere.accounts.models import Membership, RegionalRole, Role, User
from filiere.organisations.models import Establishment, Organisation
from filiere.roadmaps import models
from filiere.territories.models import Region

REGION_NAMES = {"27": "Bourgogne-Franche-Comté", "44": "Grand Est", "75": "Nouvelle-Aquitaine"}


def region(code: str = "75") -> Region:
    """The region `code`, created if the test database has none (territories are not loaded in tests)."""
    return Region.objects.get_or_create(code=code, defaults={"name": REGION_NAMES.get(code, code)})[0]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(OrganisationFactory)
    region_code = "75"
    is_digital = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER

    class Params:
        editor = factory.Trait(role=Role.EDITOR)


class RegionalRoleFactory(DjangoModelFactory):
    class Meta:
        model = RegionalRole

    user = factory.SubFactory(UserFactory)
    region = factory.LazyFunction(region)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = models.Plan

    title = factory.Sequence(lambda n: f"Feuille de route {n}")
    region = factory.LazyFunction(region)
    start_date = dt.date(2018, 1, 1)
    end_date = dt.date(2021, 12, 31)
    is_public = True

    class Params:
        private = factory.Trait(is_public=False)


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = models.Axis

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Ambition {n}")


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = models.Objective

    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Objectif {n}")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = models.Action

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


class ActionStepFactory(DjangoModelFactory):
    class Meta:
        model = models.ActionStep

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Étape {n}")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = models.Indicator

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "emplois"
    baseline_value = Decimal(100)
    baseline_date = dt.date(2018, 1, 1)


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = models.IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    date = dt.date(2021, 12, 31)
    value = Decimal(200)


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = models.IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    date = dt.date(2019, 12, 31)
    value = Decimal(150)
