"""factory-boy factories of the training offer: training bodies, courses, sessions, skills."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from filiere.taxonomy.models import Skill
from filiere.taxonomy.tests.factories import EscoBackedSkillFactory as SkillFactory
from filiere.taxonomy.tests.factories import EscoSkillFactory
from filiere.training.models import Course, CourseSkill, Session, SessionStatus, SkillOrigin

__all__ = [
    "EscoSkillFactory",
    "SkillFactory",
    "EstablishmentFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
]


class TrainingBodyFactory(OrganisationFactory):
    kind = Kind.TRAINING_BODY
    naf_code = "85.59A"
    is_digital = False


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    organisation = factory.SubFactory(TrainingBodyFactory)
    title = factory.Sequence(lambda n: f"Formation {n}")
    objectives = "Acquérir les bases du métier."
    duration_hours = 400
    is_published = True

    class Params:
        draft = factory.Trait(is_published=False)

    @factory.post_generation
    def skills(self, create: bool, extracted: list[Skill] | None, **kwargs: object) -> None:
        if create and extracted:
            for skill in extracted:
                CourseSkill.objects.create(course=self, skill=skill, origin=SkillOrigin.MANUAL)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda s: s.start_date + dt.timedelta(days=90))
    department_code = "21"
    region_code = "27"
    city = "Dijon"
    places = 12
    status = SessionStatus.OPEN

    class Params:
        distance = factory.Trait(distance_learning=True, department_code="", city="")
