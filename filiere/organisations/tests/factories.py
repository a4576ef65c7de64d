"""factory-boy factories for the directory, with traits: closed, generated, non_diffusible, digital."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from filiere.accounts.models import Membership, RegionalRole, Role, User
from filiere.organisations.models import (
    College,
    Establishment,
    Kind,
    Organisation,
    Relation,
    RelationKind,
    Source,
    State,
)
from filiere.organisations.search import search_text_for
from filiere.territories.models import Department, Region

PASSWORD = "correct-horse-battery-staple"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "27"
    name = "Bourgogne-Franche-Comté"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "21"
    name = "Côte-d'Or"
    region = factory.SubFactory(RegionFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Société {n}")
    siren = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    kind = Kind.COMPANY
    naf_code = "62.01Z"
    headcount_band = "11"
    is_digital = True
    state = State.ACTIVE
    source = Source.SIRENE
    legal_category = "5710"

    class Params:
        closed = factory.Trait(state=State.CLOSED, closure_date=factory.Faker("past_date"))
        generated = factory.Trait(is_generated=True, source=Source.GENERATED)
        non_diffusible = factory.Trait(is_diffusible=False)
        digital = factory.Trait(is_digital=True, naf_code="62.01Z")


class EstablishmentFactory(DjangoModelFactory):
    """An establishment; denormalised search columns follow its organisation and department."""

    class Meta:
        model = Establishment

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttributeSequence(
        lambda e, n: f"{e.organisation.siren or '999999999'}{n % 100000:05d}"
    )
    is_head_office = True
    name = factory.LazyAttribute(lambda e: e.organisation.name)
    sign = ""
    address = "1 rue de la Liberté"
    postcode = "21000"
    city = "Dijon"
    department_code = "21"
    region_code = "27"
    kind = factory.LazyAttribute(lambda e: e.organisation.kind)
    naf_code = factory.LazyAttribute(lambda e: e.organisation.naf_code)
    is_digital = factory.LazyAttribute(lambda e: e.organisation.is_digital)
    headcount_band = factory.LazyAttribute(lambda e: e.organisation.headcount_band)
    state = factory.LazyAttribute(lambda e: e.organisation.state)
    closure_date = factory.LazyAttribute(lambda e: e.organisation.closure_date)
    is_diffusible = factory.LazyAttribute(lambda e: e.organisation.is_diffusible)
    source = factory.LazyAttribute(lambda e: e.organisation.source)
    # Non-diffusible units are indexed without their name, so a name search cannot reveal them.
    search_text = factory.LazyAttribute(
        lambda e: search_text_for(
            e.name if e.is_diffusible else "", e.sign if e.is_diffusible else "", e.city, e.postcode
        )
    )

    class Params:
        closed = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, closed=True),
        )
        generated = factory.Trait(organisation=factory.SubFactory(OrganisationFactory, generated=True))
        non_diffusible = factory.Trait(
            organisation=factory.SubFactory(OrganisationFactory, non_diffusible=True)
        )
        digital = factory.Trait(is_digital=True, naf_code="62.01Z")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


class RegionalRoleFactory(DjangoModelFactory):
    class Meta:
        model = RegionalRole

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class CollegeFactory(DjangoModelFactory):
    class Meta:
        model = College

    cluster = factory.SubFactory(OrganisationFactory, kind=Kind.CLUSTER, siren=None)
    name = factory.Sequence(lambda n: f"Collège {n}")


class RelationFactory(DjangoModelFactory):
    class Meta:
        model = Relation

    source = factory.SubFactory(OrganisationFactory)
    target = factory.SubFactory(OrganisationFactory, kind=Kind.CLUSTER)
    kind = RelationKind.MEMBER_OF
