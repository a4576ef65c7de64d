"""Recomputation of the observatory's aggregates from the directory.

This module reads `organisations.Establishment` with the ORM directly (aggregation is the
observatory's job; organisations' selectors return rows, not grouped counts). Definitions:

- an establishment is *active at the end of year Y* if it was created in or before Y (or has no
  creation date) and is not closed by then: state "F" with a closure date in or before Y. For the
  current year this is exactly "state A", the definition of `organisations.selectors.region_figures`
  (the home page), so the two never disagree. Closed establishments without a closure date
  cannot be placed in time and are left out of every figure;
- *creations* and *closures* of Y count creation and closure dates in Y;
- *estimated jobs* sum the midpoint of each establishment's INSEE headcount band (`BAND_MIDPOINTS`).

One grouped query per level (region, department, EPCI through the commune) returns counts by
(territory, NAF, digital flag, headcount band, state, creation year, closure year): a few
hundred thousand rows at most for a million establishments. Years are then accumulated in
Python; pre-2016 regions are summed from departments and France from regions. Everything is
computed before anything is written, then the tables are replaced in one transaction, so a
reader sees either the previous figures or the new ones, never a mix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Func, IntegerField, Model
from django.utils import timezone

from filiere.observatory.models import FRANCE_CODE, Aggregate, AggregateRun, BandAggregate, Level
from filiere.organisations.models import BAND_MIDPOINTS, Establishment, State
from filiere.territories.models import Department

DEFAULT_FIRST_YEAR = 2008
BATCH_SIZE = 5000


def first_year() -> int:
    """First year of the series (setting OBSERVATORY_FIRST_YEAR, default 2008)."""
    return int(getattr(settings, "OBSERVATORY_FIRST_YEAR", DEFAULT_FIRST_YEAR))


@dataclass
class Series:
    """Per-year accumulators of one (territory, slice); index 0 is "before the first year"."""

    active: list[int]
    creations: list[int]
    closures: list[int]
    jobs: list[float]

    @classmethod
    def empty(cls, size: int) -> Series:
        return cls([0] * size, [0] * size, [0] * size, [0.0] * size)

    def add(self, other: Series) -> None:
        for mine, theirs in (
            (self.active, other.active),
            (self.creations, other.creations),
            (self.closures, other.closures),
            (self.jobs, other.jobs),
        ):
            for index, value in enumerate(theirs):
                mine[index] += value


Key = tuple[str, bool, str]  # (territory code, digital only, NAF slice)


@dataclass
class LevelResult:
    series: dict[Key, Series]
    bands: dict[tuple[str, bool, str], list[float]]  # (code, digital only, band) -> [count, jobs]
    establishments: int


class Year(Func):
    """The year of a date column as an integer, natively on both engines.

    Django's ExtractYear calls a Python function per row on SQLite (dates are text there);
    the first four characters are the year, and SUBSTR is ten times faster over a million rows.
    """

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)"
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="CAST(SUBSTR(%(expressions)s, 1, 4) AS INTEGER)")


def _grouped(territory: str, *, with_naf: bool = True) -> Iterable[dict]:
    """Counts of establishments by territory, (NAF,) digital flag, band, state, creation and closure year."""
    columns = [territory, "naf_code"] if with_naf else [territory]
    return (
        Establishment.objects.order_by()
        .values(
            *columns,
            "is_digital",
            "headcount_band",
            "state",
            cy=Year("creation_date"),
            ky=Year("closure_date"),
        )
        .annotate(n=Count("id"))
        .iterator(chunk_size=10_000)
    )


def _accumulate(
    rows: Iterable[dict], territory: str, *, start: int, end: int, naf_slices: bool
) -> LevelResult:
    size = end - start + 2  # index 0 = before `start`, then one per year
    series: dict[Key, Series] = {}
    bands: dict[tuple[str, bool, str], list[float]] = defaultdict(lambda: [0, 0.0])
    seen = 0

    def index(year: int | None) -> int:
        return 0 if year is None or year < start else year - start + 1

    for row in rows:
        code, n = row[territory] or "", row["n"]
        seen += n
        created, closed_year = row["cy"], row["ky"]
        if created is not None and created > end:
            continue
        is_closed = row["state"] == State.CLOSED
        if is_closed and closed_year is None:
            continue  # closed at an unknown date: cannot be placed in the series
        jobs = n * BAND_MIDPOINTS.get(row["headcount_band"], 0)
        slices: list[tuple[bool, str]] = [(False, "")]
        if row["is_digital"]:
            slices.append((True, ""))
            naf = row.get("naf_code") or ""
            if naf_slices and naf:
                slices.extend(((True, naf[:2]), (True, naf)))
        for digital_only, naf_slice in slices:
            key = (code, digital_only, naf_slice)
            acc = series.get(key)
            if acc is None:
                acc = series[key] = Series.empty(size)
            i = index(created)
            acc.active[i] += n
            acc.jobs[i] += jobs
            if created is not None and created >= start:
                acc.creations[i] += n
            if is_closed:
                k = index(min(max(closed_year, created or closed_year), end))
                acc.active[k] -= n
                acc.jobs[k] -= jobs
                if closed_year >= start:
                    acc.closures[k] += n
            elif naf_slice == "":
                band = bands[(code, digital_only, row["headcount_band"] or "")]
                band[0] += n
                band[1] += jobs
    return LevelResult(series, dict(bands), seen)


AGGREGATE_COLUMNS = (
    "territory_level", "territory_code", "year", "naf_code", "digital_only", "establishments_active",
    "creations", "closures", "estimated_jobs", "computed_at",
)  # fmt: skip
BAND_COLUMNS = (
    "territory_level", "territory_code", "digital_only", "headcount_band", "establishments_active",
    "estimated_jobs", "computed_at",
)  # fmt: skip


def _rows(level: str, series: dict[Key, Series], *, start: int, end: int, now: Any) -> Iterable[tuple]:
    """Aggregate rows (in AGGREGATE_COLUMNS order) of one level; years with nothing are skipped."""
    for (code, digital_only, naf), acc in series.items():
        active, jobs = 0, 0.0
        for position, year in enumerate(range(start - 1, end + 1)):
            active += acc.active[position]
            jobs += acc.jobs[position]
            if year < start:
                continue
            if not (active or jobs or acc.creations[position] or acc.closures[position]):
                continue  # nothing there yet: readers treat a missing year as zero
            creations, closures = acc.creations[position], acc.closures[position]
            yield (level, code, year, naf, digital_only, active, creations, closures, round(jobs), now)


def _band_rows(level: str, bands: dict[tuple[str, bool, str], list[float]], now: Any) -> Iterable[tuple]:
    """Headcount-band rows (in BAND_COLUMNS order) of one level."""
    for (code, digital_only, band), (count, jobs) in bands.items():
        if count:
            yield (level, code, digital_only, band, int(count), round(jobs), now)


def _insert(model: type[Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Bulk insert plain tuples: COPY on PostgreSQL, executemany on SQLite (no model instances,
    which cost more than the database itself at a hundred thousand rows)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        for offset in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[offset : offset + BATCH_SIZE])


def _merge(result: LevelResult, parent_of: Callable[[str], str | None], size: int) -> LevelResult:
    """Sum a level into its parent level (departments → pre-2016 regions, regions → France)."""
    series: dict[Key, Series] = {}
    bands: dict[tuple[str, bool, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for (code, digital_only, naf), acc in result.series.items():
        parent = parent_of(code)
        if parent is None:
            continue
        series.setdefault((parent, digital_only, naf), Series.empty(size)).add(acc)
    for (code, digital_only, band), (count, jobs) in result.bands.items():
        parent = parent_of(code)
        if parent is not None:
            bands[(parent, digital_only, band)][0] += count
            bands[(parent, digital_only, band)][1] += jobs
    return LevelResult(series, dict(bands), result.establishments)


@dataclass
class RecomputeReport:
    rows: int
    band_rows: int
    establishments: int
    seconds: float
    run: AggregateRun


def recompute_aggregates(*, end_year: int | None = None) -> RecomputeReport:
    """Rebuild every aggregate from the directory and replace the old ones in one transaction.

    Idempotent: the same directory gives the same rows. Returns what was written and how long
    it took; an `AggregateRun` records it for the pages' "calculé le …".
    """

    started = timezone.now()
    start, end = first_year(), end_year or timezone.localdate().year
    size = end - start + 2
    region = _accumulate(_grouped("region_code"), "region_code", start=start, end=end, naf_slices=True)
    department = _accumulate(
        _grouped("department_code"), "department_code", start=start, end=end, naf_slices=True
    )
    epci = _accumulate(
        _grouped("commune__epci", with_naf=False), "commune__epci", start=start, end=end, naf_slices=False
    )
    former = dict(Department.objects.exclude(former_region=None).values_list("code", "former_region_id"))
    old_region = _merge(department, former.get, size)
    france = _merge(region, lambda code: FRANCE_CODE, size)
    levels = {
        Level.FRANCE: france,
        Level.REGION: region,
        Level.DEPARTMENT: department,
        Level.OLD_REGION: old_region,
        Level.EPCI: epci,
    }
    for result in levels.values():  # establishments without a territory only count in France
        result.series = {key: acc for key, acc in result.series.items() if key[0]}
        result.bands = {key: value for key, value in result.bands.items() if key[0]}
    stamp = connection.ops.adapt_datetimefield_value(started)
    aggregates = [
        row
        for level, result in levels.items()
        for row in _rows(level, result.series, start=start, end=end, now=stamp)
    ]
    band_rows = [row for level, result in levels.items() for row in _band_rows(level, result.bands, stamp)]
    with transaction.atomic():
        Aggregate.objects.all().delete()
        BandAggregate.objects.all().delete()
        _insert(Aggregate, AGGREGATE_COLUMNS, aggregates)
        _insert(BandAggregate, BAND_COLUMNS, band_rows)
        run = AggregateRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            establishments=region.establishments,
            rows=len(aggregates) + len(band_rows),
            first_year=start,
            last_year=end,
        )
    return RecomputeReport(len(aggregates), len(band_rows), region.establishments, run.seconds, run)
