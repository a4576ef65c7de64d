"""Reads of the observatory shared by the pages, the downloads and the API.

Everything here reads the precomputed `Aggregate` rows (see `aggregates.py`) and the entered
`OfficialFigure` rows; nothing scans the directory, so a page costs a few indexed queries
whatever the size of the directory. The observatory is public: `get_territory` is the access
function for a (level, code) named by a request and only checks that the territory exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.params import parse_int
from filiere.observatory.aggregates import first_year
from filiere.observatory.models import (
    FRANCE_CODE,
    Aggregate,
    AggregateRun,
    BandAggregate,
    Level,
    OfficialFigure,
)
from filiere.organisations.models import HeadcountBand
from filiere.taxonomy.models import NafCode
from filiere.territories.models import EPCI, Department, FormerRegion, Region

#: Level of a territory page → the slug in its URL (French, stable: they are cited).
LEVEL_SLUGS: dict[str, str] = {
    Level.REGION: "region",
    Level.DEPARTMENT: "departement",
    Level.EPCI: "epci",
    Level.OLD_REGION: "ancienne-region",
    Level.FRANCE: "france",
}
SLUG_LEVELS = {slug: level for level, slug in LEVEL_SLUGS.items()}
MAP_LEVELS = (Level.REGION, Level.DEPARTMENT, Level.OLD_REGION)
MEASURES = ("active", "jobs", "creations", "closures", "growth")
DEFAULT_SPAN = 10
MAX_COMPARED = 6
#: The reform that merged regions took effect on 1 January 2016.
REFORM_YEAR = 2016
#: A computed figure "agrees" with a published one within ±15 % (relative to the published
#: value; for a growth rate, of the rate itself). Stated on the territory pages and in
#: docs/observatory.md; the demo is tested against it.
AGREEMENT_MARGIN = 0.15


@dataclass(frozen=True)
class Territory:
    """A territory of the observatory: its level, official code, name and close relatives."""

    level: str
    code: str
    name: str
    parent: Territory | None = None
    former_regions: tuple[Territory, ...] = ()
    successor: Territory | None = None
    departments: tuple[Territory, ...] = ()
    epcis: tuple[Territory, ...] = ()

    @property
    def slug(self) -> str:
        return LEVEL_SLUGS[self.level]

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


@dataclass(frozen=True)
class Period:
    start: int
    end: int


@dataclass(frozen=True)
class YearRow:
    year: int
    active: int
    creations: int
    closures: int
    jobs: int
    growth: float | None  # % change of active establishments over the previous year


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    label: str
    active: int
    jobs: int
    share: float  # % of the territory's active establishments


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    indicator_label: str
    year: int
    end_year: int | None
    value: Decimal
    unit: str
    source: str
    source_url: str
    licence: str
    note: str
    computed: float | None = None  # the platform's own figure for the same year, when comparable

    @property
    def difference(self) -> float | None:
        """(computed − published) ÷ published, in %, one decimal; None when not comparable."""
        if self.computed is None or not self.value:
            return None
        return round((self.computed - float(self.value)) / float(self.value) * 100, 1)

    @property
    def agrees(self) -> bool | None:
        """True when the computed figure is within AGREEMENT_MARGIN of the published one."""
        difference = self.difference
        return None if difference is None else abs(difference) <= AGREEMENT_MARGIN * 100


@dataclass
class Comparison:
    territories: list[Territory]
    years: list[int]
    active: dict[str, dict[int, int]] = field(default_factory=dict)
    jobs: dict[str, dict[int, int]] = field(default_factory=dict)


# --- Territories and periods ------------------------------------------------------------------


def is_code(value: str) -> bool:
    """An official territory code is 1 to 9 ASCII letters or digits ("27", "2A", "242100410");
    anything else (a NUL byte, markup) is refused before it reaches the database."""
    return 0 < len(value) <= 9 and value.isascii() and value.isalnum()


def get_territory(level_or_slug: str, code: str) -> Territory:
    """The territory named by a request, or 404 (unknown level or code)."""

    level = SLUG_LEVELS.get(level_or_slug, level_or_slug)
    code = (code or "").strip()
    if level == Level.FRANCE and code == FRANCE_CODE:
        return Territory(Level.FRANCE, FRANCE_CODE, _("France"))
    if not is_code(code):
        raise Http404
    if level == Level.REGION:
        region = Region.objects.defer("outline").filter(code=code).first()
        if region is None:
            raise Http404
        former = tuple(
            Territory(Level.OLD_REGION, c, n)
            for c, n in FormerRegion.objects.filter(successor_id=code)
            .order_by("name")
            .values_list("code", "name")
        )
        departments = tuple(
            Territory(Level.DEPARTMENT, c, n)
            for c, n in Department.objects.filter(region_id=code).order_by("code").values_list("code", "name")
        )
        return Territory(
            Level.REGION, region.code, region.name, former_regions=former, departments=departments
        )
    if level == Level.DEPARTMENT:
        row = (
            Department.objects.filter(code=code)
            .values_list("code", "name", "region_id", "region__name")
            .first()
        )
        if row is None:
            raise Http404
        epcis = tuple(
            Territory(Level.EPCI, c, n)
            for c, n in EPCI.objects.filter(communes__department_id=code, communes__kind="commune-actuelle")
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )
        return Territory(
            Level.DEPARTMENT, row[0], row[1], parent=Territory(Level.REGION, row[2], row[3]), epcis=epcis
        )
    if level == Level.OLD_REGION:
        row = (
            FormerRegion.objects.filter(code=code)
            .values_list("code", "name", "successor_id", "successor__name")
            .first()
        )
        if row is None:
            raise Http404
        departments = tuple(
            Territory(Level.DEPARTMENT, c, n)
            for c, n in Department.objects.filter(former_region_id=code)
            .order_by("code")
            .values_list("code", "name")
        )
        return Territory(
            Level.OLD_REGION,
            row[0],
            row[1],
            successor=Territory(Level.REGION, row[2], row[3]),
            departments=departments,
        )
    if level == Level.EPCI:
        name = EPCI.objects.filter(code=code).values_list("name", flat=True).first()
        if name is None:
            raise Http404
        return Territory(Level.EPCI, code, name)
    raise Http404


def territory_names(level: str, codes: Iterable[str]) -> dict[str, str]:
    """Code → name for several territories of one level (unknown codes left out)."""

    model = {
        Level.REGION: Region,
        Level.DEPARTMENT: Department,
        Level.OLD_REGION: FormerRegion,
        Level.EPCI: EPCI,
    }
    if level == Level.FRANCE:
        return {FRANCE_CODE: _("France")}
    return dict(model[level].objects.filter(code__in=list(codes)).values_list("code", "name"))


def latest_run() -> AggregateRun | None:
    """The last recomputation of the aggregates (for "calculé le …"), or None if never computed."""
    return AggregateRun.objects.order_by("-finished_at").first()


def year_bounds(run: AggregateRun | None = None) -> tuple[int, int]:
    """First and last year the aggregates cover (or would cover, before the first computation)."""
    run = run if run is not None else latest_run()
    if run is None:
        return first_year(), timezone.localdate().year
    return run.first_year, run.last_year


def default_end_year(bounds: tuple[int, int]) -> int:
    """The year shown when none is asked: the last complete year (the current one is partial)."""
    low, high = bounds
    if high >= timezone.localdate().year and high - 1 >= low:
        return high - 1
    return high


def _year(raw: object) -> int | None:
    return parse_int(str(raw or "").strip(), minimum=1000, maximum=9999)


def parse_period(raw_from: object, raw_to: object, *, bounds: tuple[int, int]) -> Period:
    """The period asked by ``?from=…&to=…``, clamped to the years computed.

    Anything that is not a four-digit year falls back to the default (the ten years up to the
    last complete year), so a mistyped URL still shows a page; reversed bounds are swapped.
    """
    low, high = bounds
    end = _year(raw_to)
    end = default_end_year(bounds) if end is None else min(max(end, low), high)
    start = _year(raw_from)
    start = max(low, end - DEFAULT_SPAN + 1) if start is None else min(max(start, low), high)
    if start > end:
        start, end = end, start
    return Period(start, end)


def parse_year(raw: object, *, bounds: tuple[int, int]) -> int:
    """A single year from a query string, clamped; the last complete year by default."""
    year = _year(raw)
    return default_end_year(bounds) if year is None else min(max(year, bounds[0]), bounds[1])


# --- Series and breakdowns --------------------------------------------------------------------


def territory_series(territory: Territory, period: Period, *, digital_only: bool = True) -> list[YearRow]:
    """Year by year over the period: active establishments at year end, creations, closures,
    estimated jobs and the growth of active establishments over the previous year."""
    rows = list(
        Aggregate.objects.filter(
            territory_level=territory.level,
            territory_code=territory.code,
            digital_only=digital_only,
            naf_code="",
            year__gte=period.start - 1,
            year__lte=period.end,
        )
        .order_by("year")
        .values_list("year", "establishments_active", "creations", "closures", "estimated_jobs")
    )
    by_year = {row[0]: row for row in rows}
    result = []
    for year in range(period.start, period.end + 1):
        _y, active, creations, closures, jobs = by_year.get(year, (year, 0, 0, 0, 0))
        before = by_year.get(year - 1)
        growth = round((active - before[1]) / before[1] * 100, 1) if before and before[1] else None
        result.append(YearRow(year, active, creations, closures, jobs, growth))
    return result


def period_growth(series: Sequence[YearRow]) -> float | None:
    """% change of active establishments from the first to the last year of a series."""
    if len(series) < 2 or not series[0].active:
        return None
    return round((series[-1].active - series[0].active) / series[0].active * 100, 1)


def _naf_labels(codes: Iterable[str]) -> dict[str, str]:

    return dict(NafCode.objects.filter(code__in=list(codes)).values_list("code", "label"))


def naf_breakdown(territory: Territory, year: int, *, detail: bool = False) -> list[BreakdownRow]:
    """Digital establishments active at the end of `year` by NAF division (or sous-classe), largest first."""
    qs = Aggregate.objects.filter(
        territory_level=territory.level, territory_code=territory.code, digital_only=True, year=year
    ).exclude(naf_code="")
    rows = [
        (code, active, jobs)
        for code, active, jobs in qs.values_list("naf_code", "establishments_active", "estimated_jobs")
        if (len(code) > 2) == detail and active
    ]
    total = sum(active for _c, active, _j in rows) or 1
    labels = _naf_labels(code for code, _a, _j in rows)
    result = [
        BreakdownRow(code, labels.get(code, code), active, jobs, round(active / total * 100, 1))
        for code, active, jobs in rows
    ]
    return sorted(result, key=lambda r: (-r.active, r.code))


def band_breakdown(territory: Territory) -> list[BreakdownRow]:
    """Digital establishments active today by INSEE headcount band, in band order."""

    labels = dict(HeadcountBand.choices)
    rows = list(
        BandAggregate.objects.filter(
            territory_level=territory.level, territory_code=territory.code, digital_only=True
        ).values_list("headcount_band", "establishments_active", "estimated_jobs")
    )
    total = sum(active for _b, active, _j in rows) or 1
    order = {code: index for index, code in enumerate(labels)}
    result = [
        BreakdownRow(
            band, str(labels.get(band, _("Tranche inconnue"))), active, jobs, round(active / total * 100, 1)
        )
        for band, active, jobs in rows
    ]
    return sorted(result, key=lambda r: order.get(r.code, len(order)))


def map_values(level: str, *, measure: str, period: Period) -> dict[str, float | None]:
    """Per territory of `level`: the measure at the end of the period (growth: over the period)."""
    qs = Aggregate.objects.filter(territory_level=level, digital_only=True, naf_code="")
    if measure == "growth":
        pairs: dict[str, dict[int, int]] = {}
        for code, year, active in qs.filter(year__in=(period.start, period.end)).values_list(
            "territory_code", "year", "establishments_active"
        ):
            pairs.setdefault(code, {})[year] = active
        return {
            code: round((years.get(period.end, 0) - years[period.start]) / years[period.start] * 100, 1)
            if years.get(period.start)
            else None
            for code, years in pairs.items()
        }
    column = {
        "active": "establishments_active",
        "jobs": "estimated_jobs",
        "creations": "creations",
        "closures": "closures",
    }[measure]
    # Years with nothing are not stored: a territory seen in another year shows 0, not "no data".
    values: dict[str, float | None] = dict.fromkeys(qs.values_list("territory_code", flat=True).distinct(), 0)
    values.update(qs.filter(year=period.end).values_list("territory_code", column))
    return values


def _growth(before: float | None, after: float | None, years: int) -> float | None:
    """Yearly growth from `before` to `after` over `years` years, in %, or None."""
    if not before or after is None or years <= 0:
        return None
    return round(((after / before) ** (1 / years) - 1) * 100, 1)


def official_figures(territory: Territory) -> list[FigureRow]:
    """Figures entered by staff for this territory, each next to the platform's own figure for
    the same year when the directory computes the indicator: establishments and companies (active
    digital establishments: a generated or small firm has one), employment (estimated jobs),
    growth of establishments over the period, yearly growth of jobs (to the figure's year from
    the year before, or yearly over its period). Not comparable: the share of women."""
    figures = list(
        OfficialFigure.objects.filter(
            territory_level=territory.level, territory_code=territory.code
        ).order_by("indicator", "year")
    )
    years = set()
    for f in figures:
        years.update({f.year, f.year - 1, f.end_year or f.year})
    computed = {
        year: (active, jobs)
        for year, active, jobs in Aggregate.objects.filter(
            territory_level=territory.level,
            territory_code=territory.code,
            digital_only=True,
            naf_code="",
            year__in=years,
        ).values_list("year", "establishments_active", "estimated_jobs")
    }
    result = []
    for figure in figures:
        own = computed.get(figure.year)
        end = computed.get(figure.end_year) if figure.end_year else None
        mine: float | None = None
        if own and figure.indicator in ("establishments", "companies"):
            mine = own[0]
        elif own and figure.indicator == "employment":
            mine = own[1]
        elif own and end and figure.indicator == "establishment_growth":
            # Growth over the whole period, as published ("+34 % from 2009 to 2012").
            mine = round((end[0] / own[0] - 1) * 100, 1) if own[0] else None
        elif figure.indicator == "employment_growth":
            if figure.end_year and own and end:
                mine = _growth(own[1], end[1], figure.end_year - figure.year)
            elif own and computed.get(figure.year - 1):
                mine = _growth(computed[figure.year - 1][1], own[1], 1)
        result.append(
            FigureRow(
                figure.indicator,
                figure.get_indicator_display(),
                figure.year,
                figure.end_year,
                figure.value,
                figure.unit,
                figure.source,
                figure.source_url,
                figure.licence,
                figure.note,
                mine,
            )
        )
    return result


def compare_regions(codes: Sequence[str], period: Period) -> Comparison:
    """Regions side by side over a period: active digital establishments and estimated jobs.

    Unknown codes are dropped (so a stale link still shows the others); at most MAX_COMPARED.
    """
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and is_code(c.strip())))[:MAX_COMPARED]
    names = territory_names(Level.REGION, wanted)
    territories = [Territory(Level.REGION, code, names[code]) for code in wanted if code in names]
    comparison = Comparison(territories, list(range(period.start, period.end + 1)))
    for territory in territories:
        comparison.active[territory.code] = {}
        comparison.jobs[territory.code] = {}
    for code, year, active, jobs in Aggregate.objects.filter(
        territory_level=Level.REGION,
        territory_code__in=[t.code for t in territories],
        digital_only=True,
        naf_code="",
        year__gte=period.start,
        year__lte=period.end,
    ).values_list("territory_code", "year", "establishments_active", "estimated_jobs"):
        comparison.active[code][year] = active
        comparison.jobs[code][year] = jobs
    return comparison
