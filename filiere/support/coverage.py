"""Coverage of the support offer: which departments each theme reaches, the white zones, and the
third places of the directory.

A department is covered by a theme when a published service of that theme names it, its region,
or one of its intercommunalities (then "in part"). National services reach every department:
they are listed apart and left out of the map, which shows where the *local* offer is, the
question Nouvelle-Aquitaine's objective 11 asks ("wherever they are, an interlocutor").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from filiere.organisations.models import Establishment, Kind, State
from filiere.territories.models import EPCI, Commune, Department

from .models import Service, Theme


@dataclass
class DepartmentCoverage:
    code: str
    name: str
    region_code: str
    themes: set[str] = field(default_factory=set)
    partial_themes: set[str] = field(default_factory=set)
    services: int = 0
    third_places: int = 0

    @property
    def theme_count(self) -> int:
        return len(self.themes | self.partial_themes)

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[t]) for t in labels if t in self.themes] + [
            f"{labels[t]} *" for t in labels if t in self.partial_themes - self.themes
        ]


@dataclass
class Coverage:
    departments: list[DepartmentCoverage]
    national: list[Service]
    theme: str = ""

    def values(self) -> dict[str, float]:
        """Map values: services of the theme reaching each department (themes reached, without one)."""
        return {d.code: float(d.services if self.theme else d.theme_count) for d in self.departments}

    @property
    def white_zones(self) -> list[DepartmentCoverage]:
        return [d for d in self.departments if (d.services == 0 if self.theme else d.theme_count == 0)]


def coverage(*, theme: str = "", region: str = "") -> Coverage:
    """Coverage of every department (of `region` when given) by the published services."""
    departments = {
        code: DepartmentCoverage(code, name, region_code)
        for code, name, region_code in Department.objects.values_list("code", "name", "region_id").order_by(
            "code"
        )
    }
    services = list(Service.objects.published().select_related("provider"))
    if theme:
        services = [s for s in services if s.theme == theme]
    epci_departments: dict[str, set[str]] = defaultdict(set)
    epcis = {code for s in services for code in s.epci_codes}
    if epcis:
        for epci, department in (
            Commune.objects.filter(epci_id__in=epcis).values_list("epci_id", "department_id").distinct()
        ):
            epci_departments[epci].add(department)
    national = []
    for service in services:
        if service.is_national:
            national.append(service)
            continue
        whole = set(service.department_codes) | {
            d.code for d in departments.values() if d.region_code in service.region_codes
        }
        part = {dep for epci in service.epci_codes for dep in epci_departments.get(epci, ())} - whole
        for code in whole:
            if code in departments:
                departments[code].themes.add(service.theme)
                departments[code].services += 1
        for code in part:
            if code in departments:
                departments[code].partial_themes.add(service.theme)
                departments[code].services += 1
    for code, count in third_place_counts().items():
        if code in departments:
            departments[code].third_places = count
    rows = [d for d in departments.values() if not region or d.region_code == region]
    return Coverage(rows, sorted(national, key=lambda s: s.title), theme)


@dataclass
class EpciCoverage:
    code: str
    name: str
    department_codes: list[str]
    themes: set[str] = field(default_factory=set)

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[t]) for t in labels if t in self.themes]


def epci_coverage(region: str, *, theme: str = "") -> list[EpciCoverage]:
    """Every intercommunality with communes in `region`, with the themes of the local offer that
    reach it: services naming it, one of its departments, or the region (national ones aside)."""
    rows: dict[str, EpciCoverage] = {}
    names = dict(EPCI.objects.filter(communes__region_id=region).values_list("code", "name").distinct())
    for epci, department in (
        Commune.objects.filter(region_id=region)
        .exclude(epci_id=None)
        .values_list("epci_id", "department_id")
        .distinct()
    ):
        row = rows.setdefault(epci, EpciCoverage(epci, names.get(epci, epci), []))
        if department not in row.department_codes:
            row.department_codes.append(department)
    services = [
        s for s in Service.objects.published() if not s.is_national and (not theme or s.theme == theme)
    ]
    for row in rows.values():
        for service in services:
            if (
                region in service.region_codes
                or set(row.department_codes) & set(service.department_codes)
                or row.code in service.epci_codes
            ):
                row.themes.add(service.theme)
    return sorted(rows.values(), key=lambda r: (len(r.themes), r.name))


def third_places(*, region: str = "", department: str = "", limit: int = 300) -> list[Establishment]:
    """Open establishments of third places (coworking, fab labs, digital mediation) of the directory."""
    places = Establishment.objects.filter(kind=Kind.THIRD_PLACE, state=State.ACTIVE).select_related(
        "organisation"
    )
    if department:
        places = places.filter(department_code=department)
    elif region:
        places = places.filter(region_code=region)
    return list(places.order_by("department_code", "name", "pk")[:limit])


def third_place_counts() -> dict[str, int]:
    rows = (
        Establishment.objects.filter(kind=Kind.THIRD_PLACE, state=State.ACTIVE)
        .exclude(department_code="")
        .values("department_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["department_code"]: row["n"] for row in rows}
