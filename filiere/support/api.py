"""JSON API of the support app (mounted at /api/support/): the catalogue, services for a firm,
and reports per provider and funder.

Reads go through the same selectors as the pages (`selectors`, `reports`), so the numbers never
drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from . import reports, selectors
from .indexing import UserTextError
from .models import Service

router = Router(tags=["support"])


class ForbiddenOut(Schema):
    """Refused: not signed in, or not the organisation's staff."""

    detail: str


class ServiceOut(Schema):
    id: int
    title: str
    summary: str
    theme: str
    theme_label: str
    stage: str
    provider_id: int
    provider: str
    funder_ids: list[int]
    naf_prefixes: list[str]
    headcount_bands: list[str]
    max_age_years: int | None
    region_codes: list[str]
    department_codes: list[str]
    epci_codes: list[str]
    is_free: bool
    cost: str
    is_regional_aid_scheme: bool
    contact_email: str
    url: str
    explanation: list[str] = []


def _service(service: Service, explanation: list[str] | None = None) -> ServiceOut:
    return ServiceOut(
        id=service.pk,
        title=service.title,
        summary=service.summary,
        theme=service.theme,
        theme_label=str(service.get_theme_display()),
        stage=service.stage,
        provider_id=service.provider_id,
        provider=service.provider.name,
        funder_ids=sorted(f.pk for f in service.funders.all()),
        naf_prefixes=service.naf_prefixes,
        headcount_bands=service.headcount_bands,
        max_age_years=service.max_age_years,
        region_codes=service.region_codes,
        department_codes=service.department_codes,
        epci_codes=service.epci_codes,
        is_free=service.is_free,
        cost=service.cost,
        is_regional_aid_scheme=service.is_regional_aid_scheme,
        contact_email=service.contact_email,
        url=service.url,
        explanation=explanation or [],
    )


class CatalogueQuery(Schema):
    q: str = ""
    theme: str = ""
    region: str = ""
    department: str = ""
    regional_aid: bool = False
    free: bool = False


@router.get("/services", response=list[ServiceOut])
def list_services(request: HttpRequest, query: Query[CatalogueQuery]) -> list[ServiceOut]:
    """Published services, filtered; with `q`, ranked by the matching engine with its explanation."""
    filters = selectors.CatalogueFilters(
        query=query.q, theme=query.theme, region=query.region, department=query.department,
        regional_aid=query.regional_aid, free=query.free,
    )  # fmt: skip
    try:
        rows = selectors.search_catalogue(filters)
    except UserTextError as exc:
        raise HttpError(422, f"q: {exc}") from exc
    return [_service(row.service, row.explanation) for row in rows]


@router.get("/services/{service_id}", response=ServiceOut)
def get_service(request: HttpRequest, service_id: int) -> ServiceOut:
    """One published service (or one you manage)."""
    return _service(selectors.get_service_for_user(request.user, service_id))


class EligibilityOut(Schema):
    service: ServiceOut
    reasons: list[str]
    blockers: list[str]


class FirmOut(Schema):
    siret: str
    siren: str
    name: str
    naf_code: str
    headcount_band: str
    creation_date: dt.date | None
    department_code: str
    region_code: str
    epci_code: str


class FirmServicesOut(Schema):
    firm: FirmOut
    eligible: list[EligibilityOut]
    not_eligible: list[EligibilityOut]


@router.get("/firms/{siret}/services", response=FirmServicesOut)
def firm_services(request: HttpRequest, siret: str) -> FirmServicesOut:
    """The services a firm (SIRET) is eligible for, with the rules met, and the others with the
    rules failed. 422 for a malformed SIRET, 404 for one the directory does not know."""
    try:
        siret = selectors.normalise_siret(siret)
    except selectors.FirmLookupError as exc:
        raise HttpError(422, f"siret: {exc}") from exc
    try:
        facts = selectors.firm_facts(siret)
    except selectors.FirmLookupError as exc:
        raise HttpError(404, str(exc)) from exc
    if not facts.organisation.is_diffusible or not facts.establishment.is_diffusible:
        raise HttpError(404, "Not found")  # INSEE partial diffusion: nothing about it is published
    eligible, blocked = selectors.services_for_firm(facts)

    def row(e: selectors.Eligibility) -> EligibilityOut:
        return EligibilityOut(service=_service(e.service), reasons=e.reasons, blockers=e.blockers)

    return FirmServicesOut(
        firm=FirmOut(
            siret=facts.siret,
            siren=facts.siren,
            name=facts.name,
            naf_code=facts.naf_code,
            headcount_band=facts.headcount_band,
            creation_date=facts.creation_date,
            department_code=facts.department_code,
            region_code=facts.region_code,
            epci_code=facts.epci_code,
        ),  # fmt: skip
        eligible=[row(e) for e in eligible],
        not_eligible=[row(e) for e in blocked],
    )


class ReportRowOut(Schema):
    key: str
    label: str
    firms: int
    previous: int


class ReportOut(Schema):
    organisation_id: int
    organisation: str
    role: str
    year: int
    quarter: int | None
    period: str
    previous_period: str
    firms: int
    previous_firms: int
    engagements: int
    by_size: list[ReportRowOut]
    by_theme: list[ReportRowOut]
    by_department: list[ReportRowOut]


class ReportQuery(Schema):
    year: int | None = None
    quarter: int | None = None


@router.get("/reports/{organisation_id}/{role}", response={200: ReportOut, 403: ForbiddenOut})
def report(request: HttpRequest, organisation_id: int, role: str, query: Query[ReportQuery]) -> ReportOut:
    """Firms supported (once per SIREN) by a provider or through a funder's services, for a year
    or quarter, with the previous period: the organisation's own people and platform staff."""
    organisation = reports.get_report_organisation_for_user(request.user, organisation_id, role)
    period = reports.parse_period(query.year, query.quarter)
    result = reports.support_report(organisation=organisation, role=role, period=period)

    def rows(items: list[reports.ReportRow]) -> list[ReportRowOut]:
        return [ReportRowOut(key=r.key, label=r.label, firms=r.firms, previous=r.previous) for r in items]

    return ReportOut(
        organisation_id=organisation.pk,
        organisation=organisation.name,
        role=role,
        year=period.year,
        quarter=period.quarter,
        period=period.label(),
        previous_period=period.previous().label(),
        firms=result.firms,
        previous_firms=result.previous_firms,
        engagements=result.engagements,
        by_size=rows(result.by_size),
        by_theme=rows(result.by_theme),
        by_department=rows(result.by_department),
    )
