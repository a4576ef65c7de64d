"""The catalogue of published services: filters (theme, territory, regional aid, free)
and the ranked text search through the matching engine, with its explanation."""

from __future__ import annotations

from dataclasses import dataclass, field

from filiere.territories.models import Commune, Department

from .. import indexing
from ..models import Service


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    theme: str = ""
    region: str = ""
    department: str = ""
    regional_aid: bool = False
    free: bool = False


@dataclass
class CatalogueRow:
    service: Service
    explanation: list[str] = field(default_factory=list)


def covers_department(service: Service, department_code: str, region_code: str, epci_codes: set[str]) -> bool:
    """Whether the service is open to firms of the department (wholly or in part)."""
    return (
        service.is_national
        or department_code in service.department_codes
        or region_code in service.region_codes
        or bool(epci_codes & set(service.epci_codes))
    )


def epcis_of_department(department_code: str) -> set[str]:
    return set(
        Commune.objects.filter(department_id=department_code)
        .exclude(epci_id=None)
        .values_list("epci_id", flat=True)
        .distinct()
    )


def search_catalogue(filters: CatalogueFilters) -> list[CatalogueRow]:
    """Published services matching the filters; with a query, ranked by the matching engine
    (with its explanation), else by theme and title. Raises `indexing.UserTextError`."""
    services = Service.objects.published().select_related("provider").prefetch_related("funders")
    if filters.theme:
        services = services.filter(theme=filters.theme)
    if filters.regional_aid:
        services = services.filter(is_regional_aid_scheme=True)
    if filters.free:
        services = services.filter(is_free=True)
    rows = list(services)
    if filters.department:
        region = (
            Department.objects.filter(code=filters.department).values_list("region_id", flat=True).first()
        )
        epcis = epcis_of_department(filters.department)
        rows = [s for s in rows if covers_department(s, filters.department, region or "", epcis)]
    elif filters.region:
        departments = set(Department.objects.filter(region_id=filters.region).values_list("code", flat=True))
        rows = [
            s
            for s in rows
            if s.is_national
            or filters.region in s.region_codes
            or departments & set(s.department_codes)
            or (
                s.epci_codes
                and Commune.objects.filter(region_id=filters.region, epci_id__in=s.epci_codes).exists()
            )
        ]
    if not filters.query.strip():
        return [CatalogueRow(s) for s in sorted(rows, key=lambda s: (s.get_theme_display(), s.title))]
    by_id = {s.pk: s for s in rows}
    hits = indexing.search(filters.query, restrict_ids=list(by_id), limit=max(len(by_id), 1))
    return [CatalogueRow(by_id[hit.doc_id], hit.explanation) for hit in hits if hit.doc_id in by_id]
