"""factory-boy factories of the talent app, and helpers that build a small world for a test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.accounts.models import Role
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from filiere.talent import services
from filiere.talent.models import Cohort, ConsentPurpose, Gender, JobSeeker, Programme
from filiere.taxonomy.tests.factories import EscoBackedSkillFactory as SkillFactory
from filiere.taxonomy.tests.factories import EscoSkillFactory

__all__ = [
    "EscoSkillFactory",
    "SkillFactory",
    "PASSWORD",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
]


class StructureFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Agence France Travail {n}")
    kind = Kind.PUBLIC_BODY
    siren = None


class SeekerFactory(DjangoModelFactory):
    class Meta:
        model = JobSeeker

    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    email = factory.LazyAttribute(lambda s: f"{s.first_name.lower()}@exemple.org")
    gender = Gender.FEMALE
    birth_year = 1990
    department_code = "67"
    region_code = "44"
    structure = factory.SubFactory(StructureFactory)
    last_activity_at = factory.LazyFunction(timezone.now)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    structure = factory.SubFactory(StructureFactory)
    region = factory.LazyFunction(lambda: _region("44"))


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Promotion {n}")
    year = 2025
    start_date = dt.date(2025, 3, 1)
    end_date = dt.date(2025, 9, 30)
    places = 20


def _region(code: str) -> Any:
    from filiere.territories.models import Region

    return Region.objects.get_or_create(code=code, defaults={"name": "Grand Est"})[0]


def adviser_of(structure: Any, *, username: str | None = None) -> Any:
    """A user with a membership (role member) in `structure`."""
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, organisation=structure, role=Role.MEMBER)
    return user


def consenting(seeker: JobSeeker, *purposes: str) -> JobSeeker:
    for purpose in purposes or (ConsentPurpose.SHARE_WITH_COMPANIES, ConsentPurpose.MATCHING):
        services.set_consent(seeker=seeker, purpose=purpose, given=True, by=None)
    return seeker
