"""Showcase API: search, profile detail, transferability (same selectors as the pages)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from filiere.territories.models import Region

from . import selectors
from .models import Certification, Reference
from .transferability import application_sectors, sector_transferability

router = Router(tags=["showcase"])


class ShowcaseSearchIn(Schema):
    q: str = ""
    region: str = ""
    department: str = ""
    sector: list[str] = []
    capacity_min: int | None = None
    available_before: dt.date | None = None
    size: list[str] = []
    validated: bool = False
    page: int = 1


class ShowcaseFirmOut(Schema):
    organisation_id: int
    name: str
    score: float | None
    explanation: str
    matched_skills: list[str]
    sectors: list[str]
    capacity_now: int
    available_from: dt.date | None
    validated_count: int
    region_code: str
    department_code: str
    headcount_label: str
    is_generated: bool


class ShowcaseSearchOut(Schema):
    count: int
    page: int
    num_pages: int
    ranked: bool
    detected_sectors: list[str]
    # French notice when the text was cut at the engine's query limit (empty otherwise).
    notice: str = ""
    results: list[ShowcaseFirmOut]


class ShowcaseErrorOut(Schema):
    detail: str


class ShowcaseDeclarationOut(Schema):
    skill_id: int
    skill: str
    level: str
    people_count: int
    capacity_available_now: int
    available_from: dt.date | None
    status: str


class ShowcaseReferenceOut(Schema):
    client: str
    year: int | None
    sector: str | None
    description: str


class ShowcaseCertificationOut(Schema):
    name: str
    issuer: str
    year: int | None


class ShowcaseProfileOut(Schema):
    organisation_id: int
    name: str
    pitch: str
    target_sectors: list[str]
    capacity_now: int
    available_from: dt.date | None
    region_code: str
    department_code: str
    is_generated: bool
    competences: list[ShowcaseDeclarationOut]
    references: list[ShowcaseReferenceOut]
    certifications: list[ShowcaseCertificationOut]


class ShowcaseSectorScoreOut(Schema):
    code: str
    label: str
    score: float
    skills_covered: list[str]


class ShowcaseTransferabilityOut(Schema):
    skill_count: int
    application_sectors: list[ShowcaseSectorScoreOut]
    naf_sectors: list[ShowcaseSectorScoreOut]


@router.get("/search", response={200: ShowcaseSearchOut, 400: ShowcaseErrorOut})
def search(request: HttpRequest, params: Query[ShowcaseSearchIn]) -> Status:
    """Ranked firms for a buyer's text and filters (empty text = browse), with explanations."""
    data = params.dict()
    data["validated"] = "1" if params.validated else ""
    data["available_before"] = params.available_before.isoformat() if params.available_before else ""
    filters = selectors.ShowcaseFilters.from_params(data)
    result = selectors.search_showcase(filters, page=max(1, params.page))
    if result.error:
        return Status(400, {"detail": result.error})
    return Status(
        200,
        {
            "count": result.count,
            "page": result.page,
            "num_pages": result.num_pages,
            "ranked": result.ranked,
            "detected_sectors": [s.code for s in result.detected_sectors],
            "notice": result.notice,
            "results": [row.__dict__ for row in result.rows],
        },
    )


@router.get("/firms/{org_id}", response=ShowcaseProfileOut)
def profile(request: HttpRequest, org_id: int) -> dict:
    """A published firm's showcase."""
    showcase = selectors.get_profile_for_user(request.user, org_id)
    if not showcase.pk:
        raise HttpError(404, "Not found")
    return {
        "organisation_id": showcase.pk,
        "name": showcase.organisation.name,
        "pitch": showcase.pitch,
        "target_sectors": [s.code for s in showcase.target_sectors.all()],
        "capacity_now": showcase.capacity_now,
        "available_from": showcase.available_from,
        "region_code": showcase.region_code,
        "department_code": showcase.department_code,
        "is_generated": showcase.organisation.is_generated,
        "competences": [
            {
                "skill_id": d.skill_id,
                "skill": d.skill.label,
                "level": d.level,
                "people_count": d.people_count,
                "capacity_available_now": d.capacity_available_now,
                "available_from": d.available_from,
                "status": d.status,
            }
            for d in selectors.profile_declarations(org_id)
        ],
        "references": [
            {"client": r.client, "year": r.year, "sector": r.sector_id, "description": r.description}
            for r in Reference.objects.filter(organisation_id=org_id)
        ],
        "certifications": [
            {"name": c.name, "issuer": c.issuer, "year": c.year}
            for c in Certification.objects.filter(organisation_id=org_id)
        ],
    }


def _transferability(skill_ids: list[int]) -> dict:
    naf = sector_transferability(skill_ids)
    return {
        "skill_count": len(skill_ids),
        "application_sectors": [
            {
                "code": i.sector.pk,
                "label": i.sector.label,
                "score": i.score,
                "skills_covered": i.skills_covered,
            }
            for i in application_sectors(naf)
        ],
        "naf_sectors": [
            {
                "code": i.sector.pk,
                "label": i.sector.label,
                "score": i.score,
                "skills_covered": i.skills_covered,
            }
            for i in naf
        ],
    }


@router.get("/firms/{org_id}/transferability", response=ShowcaseTransferabilityOut)
def firm_transferability(request: HttpRequest, org_id: int) -> dict:
    """Sectors that use the skills a firm declares, best first."""
    selectors.get_profile_for_user(request.user, org_id)
    return _transferability(selectors.profile_skill_ids(org_id))


@router.get("/territories/{region_code}/transferability", response=ShowcaseTransferabilityOut)
def territory_transferability(request: HttpRequest, region_code: str) -> dict:
    """Sectors that use the skills the published firms of a region declare."""
    region = get_object_or_404(Region, code=region_code)
    return _transferability(selectors.territory_skill_ids(region.code))
