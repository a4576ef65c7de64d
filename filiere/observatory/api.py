"""JSON API of the observatory (mounted at /api/observatory/).

Every figure of the pages has its endpoint here, reading the same selectors, so the API and the
pages can never disagree. Territories are named as on the pages: level ``region``,
``departement``, ``epci``, ``ancienne-region`` or ``france`` (code ``FR``) and the official code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from filiere.observatory import selectors
from filiere.observatory.selectors import MAP_LEVELS, SLUG_LEVELS, Period, Territory
from filiere.territories.maps import map_table_rows

router = Router(tags=["observatory"])


class PeriodIn(Schema):
    from_year: str | None = Field(None, alias="from", description="Première année (AAAA).")
    to_year: str | None = Field(None, alias="to", description="Dernière année (AAAA).")


class CompareIn(PeriodIn):
    r: list[str] = Field(default_factory=list, description="Codes des régions (jusqu'à six).")


class TerritoryOut(Schema):
    level: str
    code: str
    name: str


class StatusOut(Schema):
    computed_at: dt.datetime | None
    first_year: int
    last_year: int


class YearOut(Schema):
    year: int
    active: int
    creations: int
    closures: int
    estimated_jobs: int
    growth_percent: float | None


class SeriesOut(Schema):
    territory: TerritoryOut
    from_year: int
    to_year: int
    digital_only: bool
    computed_at: dt.datetime | None
    years: list[YearOut]


class BreakdownRowOut(Schema):
    code: str
    label: str
    active: int
    estimated_jobs: int
    share_percent: float


class BreakdownOut(Schema):
    territory: TerritoryOut
    year: int | None
    rows: list[BreakdownRowOut]


class MapValueOut(Schema):
    code: str
    name: str
    value: float | None


class MapOut(Schema):
    level: str
    measure: str
    from_year: int
    to_year: int
    computed_at: dt.datetime | None
    values: list[MapValueOut]


class OfficialFigureOut(Schema):
    indicator: str
    indicator_label: str
    year: int
    end_year: int | None
    value: Decimal
    unit: str
    computed: float | None
    difference: float | None = Field(description="(computed − published) ÷ published, in %")
    within_margin: bool | None = Field(description="computed within ±15 % of the published figure")
    source: str
    source_url: str
    licence: str
    note: str


class CompareOut(Schema):
    from_year: int
    to_year: int
    regions: list[TerritoryOut]
    active: dict[str, dict[int, int]]
    estimated_jobs: dict[str, dict[int, int]]


def _territory_out(place: Territory) -> dict[str, Any]:
    return {"level": place.slug, "code": place.code, "name": place.name}


def _period(period: PeriodIn) -> tuple[Period, Any]:
    run = selectors.latest_run()
    return selectors.parse_period(period.from_year, period.to_year, bounds=selectors.year_bounds(run)), run


@router.get("/status", response=StatusOut)
def status(request: HttpRequest) -> Any:
    """When the aggregates were last computed, and the years they cover."""
    run = selectors.latest_run()
    first, last = selectors.year_bounds(run)
    return {"computed_at": run.finished_at if run else None, "first_year": first, "last_year": last}


@router.get("/territories/{level}/{code}/series", response=SeriesOut)
def series(
    request: HttpRequest, level: str, code: str, period: Query[PeriodIn], digital_only: bool = True
) -> Any:
    """Year by year: active establishments at year end, creations, closures, estimated jobs, growth."""
    place = selectors.get_territory(level, code)
    span, run = _period(period)
    rows = selectors.territory_series(place, span, digital_only=digital_only)
    return {
        "territory": _territory_out(place),
        "from_year": span.start,
        "to_year": span.end,
        "digital_only": digital_only,
        "computed_at": run.finished_at if run else None,
        "years": [
            {
                "year": r.year,
                "active": r.active,
                "creations": r.creations,
                "closures": r.closures,
                "estimated_jobs": r.jobs,
                "growth_percent": r.growth,
            }
            for r in rows
        ],
    }


def _breakdown_rows(rows: list[selectors.BreakdownRow]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "label": r.label,
            "active": r.active,
            "estimated_jobs": r.jobs,
            "share_percent": r.share,
        }
        for r in rows
    ]


@router.get("/territories/{level}/{code}/naf", response=BreakdownOut)
def naf(request: HttpRequest, level: str, code: str, year: str | None = None, detail: bool = False) -> Any:
    """Digital establishments active at the end of `year` by NAF division (``detail``: sous-classe)."""
    place = selectors.get_territory(level, code)
    when = selectors.parse_year(year, bounds=selectors.year_bounds())
    rows = selectors.naf_breakdown(place, when, detail=detail)
    return {"territory": _territory_out(place), "year": when, "rows": _breakdown_rows(rows)}


@router.get("/territories/{level}/{code}/headcount-bands", response=BreakdownOut)
def headcount_bands(request: HttpRequest, level: str, code: str) -> Any:
    """Digital establishments active today by INSEE headcount band."""
    place = selectors.get_territory(level, code)
    return {
        "territory": _territory_out(place),
        "year": None,
        "rows": _breakdown_rows(selectors.band_breakdown(place)),
    }


@router.get("/territories/{level}/{code}/official-figures", response=list[OfficialFigureOut])
def official_figures(request: HttpRequest, level: str, code: str) -> Any:
    """Published figures entered by staff, with the platform's own figure for the same year."""
    place = selectors.get_territory(level, code)
    return [
        {
            "indicator": f.indicator,
            "indicator_label": f.indicator_label,
            "year": f.year,
            "end_year": f.end_year,
            "value": f.value,
            "unit": f.unit,
            "computed": f.computed,
            "difference": f.difference,
            "within_margin": f.agrees,
            "source": f.source,
            "source_url": f.source_url,
            "licence": f.licence,
            "note": f.note,
        }
        for f in selectors.official_figures(place)
    ]


@router.get("/map", response=MapOut)
def map_values(
    request: HttpRequest, period: Query[PeriodIn], level: str = "region", measure: str = "active"
) -> Any:
    """Values of the France map: per region, department or pre-2016 region (``ancienne-region``)."""
    resolved = SLUG_LEVELS.get(level, level)
    if resolved not in MAP_LEVELS or measure not in selectors.MEASURES:
        raise Http404
    span, run = _period(period)
    values = selectors.map_values(resolved, measure=measure, period=span)

    return {
        "level": selectors.LEVEL_SLUGS[resolved],
        "measure": measure,
        "from_year": span.start,
        "to_year": span.end,
        "computed_at": run.finished_at if run else None,
        "values": [
            {"code": r.code, "name": r.name, "value": r.value} for r in map_table_rows(values, resolved)
        ],
    }


@router.get("/compare", response=CompareOut)
def compare(request: HttpRequest, query: Query[CompareIn]) -> Any:
    """Regions side by side (``?r=27&r=76``, up to six): active establishments and estimated jobs."""
    span, _run = _period(query)
    comparison = selectors.compare_regions(query.r, span)
    return {
        "from_year": span.start,
        "to_year": span.end,
        "regions": [_territory_out(t) for t in comparison.territories],
        "active": comparison.active,
        "estimated_jobs": comparison.jobs,
    }


class ChangeCountOut(Schema):
    code: str
    name: str
    counts: dict[str, int] = Field(description="changes of each kind: closure, move, naf, new_digital")


class ChangeOut(Schema):
    kind: str
    siret: str
    name: str = Field(description="empty for a non-diffusible establishment")
    organisation_id: int | None
    region_code: str
    department_code: str
    before: str
    after: str


class ChangesOut(Schema):
    run_id: int | None
    compared_at: dt.datetime | None
    establishments: int
    territories: list[ChangeCountOut]
    changes: list[ChangeOut]
    truncated: bool


@router.get("/changes", response=ChangesOut)
def directory_changes(
    request: HttpRequest, run: str = "", region: str = "", departement: str = "", groupement: str = ""
) -> Any:
    """What the last SIRENE update (or ``run``) changed: counts per region (per department with
    ``region``) and the establishments, optionally for a cluster's members (``groupement``)."""
    from filiere.observatory.changes import change_report

    report = change_report(
        request.user, run_id=run, region=region, department=departement, cluster_id=groupement
    )
    return {
        "run_id": report.run.pk if report.run else None,
        "compared_at": report.run.started_at if report.run else None,
        "establishments": report.run.establishments if report.run else 0,
        "territories": [
            {"code": code, "name": name, "counts": counts} for code, name, counts in report.territories
        ],
        "changes": [
            {
                "kind": c.kind,
                "siret": c.siret,
                "name": c.name,
                "organisation_id": c.organisation_id,
                "region_code": c.region_code,
                "department_code": c.department_code,
                "before": c.before,
                "after": c.after,
            }
            for c in report.changes
        ],
        "truncated": report.truncated,
    }
