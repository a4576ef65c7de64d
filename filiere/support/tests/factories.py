"""Factories of the support tests: services, a firm with its establishment, requests, engagements."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory
from filiere.support.models import Engagement, Referral, ReferralStatus, Service, SupportRequest, Theme


class ProviderFactory(OrganisationFactory):
    kind = Kind.TECHNOPOLE
    name = factory.Sequence(lambda n: f"Technopole {n}")
    siren = None  # type: ignore[assignment]  # providers without SIREN, as clusters entered by hand


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Service {n}")
    summary = "Un accompagnement."
    theme = Theme.TRANSFORMATION
    region_codes = factory.LazyFunction(lambda: ["27"])
    contact_email = "contact@technopole.example.org"

    class Params:
        national = factory.Trait(region_codes=[])


def make_firm(
    *,
    siret: str = "12345678900012",
    naf: str = "62.01Z",
    band: str = "11",
    created: dt.date | None = None,
    department: str = "21",
    region: str = "27",
    **kwargs: Any,
) -> Any:
    """A company with one establishment (its head office), as SIRENE describes it."""
    organisation = OrganisationFactory(
        siren=siret[:9],
        naf_code=naf,
        headcount_band=band,
        creation_date=created or dt.date(2015, 6, 1),
        **kwargs,
    )
    return EstablishmentFactory(
        organisation=organisation, siret=siret, department_code=department, region_code=region
    )


class SupportRequestFactory(DjangoModelFactory):
    class Meta:
        model = SupportRequest

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttribute(lambda r: f"{r.organisation.siren}00012")
    siren = factory.LazyAttribute(lambda r: r.organisation.siren)
    description = "Nous voulons sécuriser notre informatique."
    contact_email = "dirigeante@firme.example.org"
    department_code = "21"
    region_code = "27"


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    request = factory.SubFactory(SupportRequestFactory)
    service = factory.SubFactory(ServiceFactory)
    provider = factory.LazyAttribute(lambda r: r.service.provider)
    status = ReferralStatus.NEW
    status_at = factory.LazyFunction(timezone.now)


class EngagementFactory(DjangoModelFactory):
    class Meta:
        model = Engagement

    siren = factory.Sequence(lambda n: f"{500000000 + n:09d}")
    provider = factory.SubFactory(ProviderFactory)
    date = dt.date(2025, 5, 1)
    theme = Theme.TRANSFORMATION
    size_class = "micro"
    department_code = "21"
    region_code = "27"
