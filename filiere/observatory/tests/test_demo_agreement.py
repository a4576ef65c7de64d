"""The demo's computed figures agree with the seed articles' published ones (±AGREEMENT_MARGIN).

Two levels: the generated history at full scale (pure, fast: every company of every territory,
counted with the observatory's band midpoints), and the real pipeline (demo loader → directory
→ `recompute_aggregates` → `official_figures`, the rows the page shows) at a tenth of the scale.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from filiere.observatory.aggregates import BAND_MIDPOINTS
from filiere.observatory.demo import FIGURES, load_observatory_demo
from filiere.observatory.models import Aggregate, Level
from filiere.observatory.selectors import AGREEMENT_MARGIN, get_territory, official_figures
from filiere.organisations.demo import run_demo
from filiere.organisations.demo.generated import (
    LR_DEPARTMENTS,
    TOULOUSE_DEPARTMENTS,
    bucket_rng,
    plan_generation,
    simulate,
)

COUNTS = {"establishments", "companies", "employment"}
LAST_YEAR = dt.date.today().year - 1


def _within(computed: float, published: float) -> bool:
    return abs(computed - published) <= AGREEMENT_MARGIN * abs(published)


@pytest.fixture(scope="module")
def history() -> dict[tuple[str, str], dict[int, list[float]]]:
    """(level, code) → year → [active establishments, estimated jobs, closures], at full scale.

    A company is active from its creation year (or the line's first) to the year before its
    closure: counted as +1 (and its jobs) in its first year and −1 in the year after its last,
    the yearly figures being the running sums (a loop over every company and every year cost
    3 CPU s for the 90,000 companies). The jobs are multiples of 0.5: the sums are exact in any
    order."""
    series: dict[tuple[str, str], dict[int, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0.0, 0])
    )
    for line in plan_generation({}, scale=1.0, horizon=LAST_YEAR):
        places = [(Level.REGION, line.target.region)]
        if line.target.departments == LR_DEPARTMENTS:
            places.append((Level.OLD_REGION, "91"))
        if line.target.departments == TOULOUSE_DEPARTMENTS:
            places.append((Level.DEPARTMENT, "31"))
        years = range(line.first_year, LAST_YEAR + 1)
        # [active, jobs, closures] changes per year of this line, up to LAST_YEAR + 1.
        deltas = {year: [0, 0.0, 0] for year in range(line.first_year, LAST_YEAR + 2)}
        for company in simulate(line, random.Random(0)):
            first = max(company.created.year, line.first_year)
            if first > LAST_YEAR:
                continue
            end = min(company.closed.year, LAST_YEAR + 1) if company.closed else LAST_YEAR + 1
            if end > first:  # active in first .. end - 1
                jobs = BAND_MIDPOINTS[company.band]
                deltas[first][0] += 1
                deltas[first][1] += jobs
                deltas[end][0] -= 1
                deltas[end][1] -= jobs
            if company.closed and first <= company.closed.year <= LAST_YEAR:
                deltas[company.closed.year][2] += 1
        active: float = 0  # a count (the list's type is shared with the jobs)
        jobs_total = 0.0
        for year in years:
            active += deltas[year][0]
            jobs_total += deltas[year][1]
            for place in places:
                row = series[place][year]
                row[0] += active
                row[1] += jobs_total
                row[2] += deltas[year][2]
    return series


@pytest.mark.parametrize(
    "figure", [f for f in FIGURES if f[0] != "women_share"], ids=lambda f: f"{f[0]}-{f[2]}-{f[3]}"
)
def test_every_published_figure_agrees_at_full_scale(history, figure):
    indicator, level, code, year, end_year, value, *_ = figure
    series, published = history[(level, code)], float(value)
    if indicator in ("establishments", "companies"):
        computed = series[year][0]
    elif indicator == "employment":
        computed = series[year][1]
    elif indicator == "establishment_growth":
        computed = (series[end_year][0] / series[year][0] - 1) * 100
    else:  # employment_growth, a year on the year before
        computed = (series[year][1] / series[year - 1][1] - 1) * 100
    assert _within(computed, published), (indicator, code, year, computed, published)


def test_toulouse_holds_more_than_half_of_occitanie_jobs(history):
    assert history[(Level.DEPARTMENT, "31")][2020][1] > 0.5 * history[(Level.REGION, "76")][2020][1]


def test_closures_are_realistic_every_year_with_no_jump_at_the_end(history):
    for place, series in history.items():
        rates = [series[y][2] / series[y - 1][0] for y in range(2009, LAST_YEAR + 1)]
        assert all(0.03 <= rate <= 0.07 for rate in rates), place
        assert rates[-1] <= 1.2 * rates[-2], place


def _model_jobs_growth(scale: float, key: str, year: int) -> float:
    """Yearly jobs growth the generated history of one territory gives at `scale`."""
    line = next(
        line for line in plan_generation({}, scale=scale, horizon=LAST_YEAR) if line.target.key == key
    )
    companies = simulate(line, bucket_rng(line))

    def jobs(at: int) -> float:
        return sum(
            BAND_MIDPOINTS[c.band]
            for c in companies
            if c.created.year <= at and (c.closed is None or c.closed.year > at)
        )

    return round((jobs(year) / jobs(year - 1) - 1) * 100, 1)


@pytest.mark.django_db
def test_the_pages_figures_agree_with_the_published_ones(reference_territories):
    """Through the real pipeline at a tenth of the scale: counts within the margin of the scaled
    published figures; growth rates, which a tenth of the firms makes lumpy, exactly the ones the
    generated history gives (whose full scale agrees: tests above)."""
    scale = 0.1
    run_demo(scale=scale, sirene=False, techonmap=False, with_users=False, write=lambda _: None)
    load_observatory_demo()

    checked = 0
    for slug, code in [("region", "27"), ("region", "75"), ("region", "76"), ("ancienne-region", "91")]:
        for row in official_figures(get_territory(slug, code)):
            if row.indicator == "women_share":
                assert row.computed is None
                continue
            if row.indicator in COUNTS:
                published = float(row.value) * scale
                assert _within(row.computed, published), (code, row.indicator, row.computed, published)
            elif row.indicator == "establishment_growth":
                assert _within(row.computed, float(row.value)), (code, row.computed)
            else:
                # (the aggregates round jobs to whole numbers each year)
                assert row.computed == pytest.approx(_model_jobs_growth(scale, "bfc", row.year), abs=0.2)
            assert row.agrees is not None
            checked += 1
    assert checked == 9
    toulouse = Aggregate.objects.get(
        territory_level="department", territory_code="31", year=2020, naf_code="", digital_only=True
    )
    occitanie = Aggregate.objects.get(
        territory_level="region", territory_code="76", year=2020, naf_code="", digital_only=True
    )
    assert toulouse.estimated_jobs > 0.5 * occitanie.estimated_jobs
    rows = Aggregate.objects.filter(
        territory_level="region", territory_code="75", naf_code="", digital_only=True
    )
    stock = dict(rows.values_list("year", "establishments_active"))
    for year, closures in rows.filter(year__range=(2009, LAST_YEAR)).values_list("year", "closures"):
        assert 0.025 <= closures / stock[year - 1] <= 0.075, year
