"""factory-boy factories of the showcase, and `make_firm` for a published, indexed firm."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.accounts.models import Role
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from filiere.showcase.models import (
    Certification,
    CompetenceDeclaration,
    ContactRequest,
    Reference,
    SavedSearch,
    ShowcaseProfile,
)
from filiere.taxonomy.models import Skill
from filiere.taxonomy.tests.factories import EscoBackedSkillFactory as SkillFactory
from filiere.taxonomy.tests.factories import EscoSkillFactory

__all__ = [
    "EscoSkillFactory",
    "SkillFactory",
    "EstablishmentFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
]


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = ShowcaseProfile

    organisation = factory.SubFactory(OrganisationFactory)
    pitch = "Ingénierie et data."
    is_published = True
    region_code = "76"
    department_code = "31"
    headcount_band = "12"


class DeclarationFactory(DjangoModelFactory):
    class Meta:
        model = CompetenceDeclaration

    organisation = factory.SubFactory(OrganisationFactory)
    skill = factory.SubFactory(SkillFactory)
    people_count = 5
    capacity_available_now = 2

    class Params:
        validated = factory.Trait(status="validated", validated_at=factory.LazyFunction(timezone.now))


class ReferenceFactory(DjangoModelFactory):
    class Meta:
        model = Reference

    organisation = factory.SubFactory(OrganisationFactory)
    client = "Airbus"
    year = 2019


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    organisation = factory.SubFactory(OrganisationFactory)
    name = "EN 9100"


class ContactRequestFactory(DjangoModelFactory):
    class Meta:
        model = ContactRequest

    buyer = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    subject = "Projet"
    message = "Bonjour"
    sent_at = factory.LazyFunction(timezone.now)


class SavedSearchFactory(DjangoModelFactory):
    class Meta:
        model = SavedSearch

    user = factory.SubFactory(UserFactory)
    name = "Ma recherche"


def editor_of(organisation: Any, role: str = Role.EDITOR, **user: Any) -> Any:
    """A user with an editing membership of `organisation`."""
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user)).user


def cluster_staff(*members: Any, cluster: Any | None = None, **user: Any) -> Any:
    """An editor of a cluster organisation, which validates the competences of its `members`
    (each given a "member of" relation to the cluster)."""
    from filiere.organisations.tests.factories import RelationFactory

    if cluster is None:
        cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Digital 113")
    for member in members:
        RelationFactory(source=member, target=cluster)
    return editor_of(cluster, **user)


#: The showcase tests' skills (`skills` fixture): the alternative labels buyers type.
T = TypeVar("T")

SKILL_ROWS: dict[str, tuple[str, list[str]]] = {
    "ml": ("apprentissage automatique", ["machine learning", "ML"]),
    "data": ("science des données", ["data science", "traitement de données"]),
    "project": ("gestion de projets", ["management de projet", "conduite de projet"]),
    "systems": ("ingénierie des systèmes", ["ingénierie système"]),
    "python": ("Python (programmation informatique)", ["Python"]),
}


def make_firm(
    name: str,
    *,
    skills: list[Skill] = (),  # type: ignore[assignment]
    sectors: list[str] = (),  # type: ignore[assignment]
    pitch: str = "",
    capacity: int = 2,
    available_from: dt.date | None = None,
    region_code: str = "76",
    department_code: str = "31",
    headcount_band: str = "12",
    published: bool = True,
    references: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> Any:
    """A firm with an establishment, a showcase built through the services (so it is indexed)."""
    from filiere.accounts.models import User
    from filiere.showcase import services
    from filiere.showcase.capacity import headcount_ceiling
    from filiere.showcase.models import Sector

    organisation = OrganisationFactory(name=name, headcount_band=headcount_band)
    EstablishmentFactory(
        organisation=organisation, region_code=region_code, department_code=department_code, city="Toulouse"
    )
    staff = User.objects.filter(username="platform-staff").first() or UserFactory(
        username="platform-staff", is_staff=True
    )
    for skill in skills:
        services.declare_competence(
            user=staff,
            organisation=organisation,
            skill=skill,
            # Three people per free one, within the firm's headcount (showcase.capacity).
            people_count=max(capacity, min(max(capacity, 1) * 3, headcount_ceiling(headcount_band) or 10**6)),
            capacity_available_now=capacity,
            available_from=available_from,
        )
    for client, description in references:
        services.add_reference(
            user=staff, organisation=organisation, client=client, year=2020, description=description
        )
    services.update_profile(
        user=staff, organisation=organisation, pitch=pitch, sector_codes=list(sectors), is_published=published
    )
    assert Sector.objects.filter(code__in=list(sectors)).count() == len(sectors)
    return organisation


@contextmanager
def search_world(
    django_db_blocker: Any, tmp_path_factory: Any, build_firms: Callable[[dict[str, Any]], T]
) -> Any:
    """The skills (as the showcase conftest's `skills`) and the firms `build_firms(skills)` makes,
    built once for a module in a transaction rolled back at its end (`rolled_back_world`); each
    test runs in a savepoint of it. Built with the engine's caches emptied before and after, in a
    cache directory of its own, as `fresh_engine` does around each test."""
    from django.test import override_settings

    from filiere.core.testing import rolled_back_world
    from filiere.matching.testing import reset_engine_caches
    from filiere.matching.tests.skills import hand_built_skills
    from filiere.showcase import facets

    def build() -> tuple[dict[str, Any], T]:
        with override_settings(MATCHING_CACHE_DIR=str(tmp_path_factory.mktemp("matching"))):
            reset_engine_caches(facets.reset)
            try:
                skills = hand_built_skills(SKILL_ROWS, uri_prefix="")
                return skills, build_firms(skills)
            finally:
                reset_engine_caches(facets.reset)

    with rolled_back_world(django_db_blocker, build) as world:
        yield world


def read_again(instances: dict[Any, Any]) -> dict[Any, Any]:
    """The same rows, fresh from the database (what a test changes on an instance stays in it)."""
    if not instances:
        return {}
    model = type(next(iter(instances.values())))
    rows = model.objects.in_bulk([instance.pk for instance in instances.values()])
    return {key: rows[instance.pk] for key, instance in instances.items()}
