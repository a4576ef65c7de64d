"""Aggregates equal direct counts on a small hand-built directory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from filiere.observatory import aggregates
from filiere.observatory.aggregates import BAND_MIDPOINTS, recompute_aggregates
from filiere.observatory.models import Aggregate, AggregateRun, BandAggregate
from filiere.organisations.selectors import region_figures

from .factories import establishment

D = dt.date


@pytest.fixture
def directory(reference_territories, settings):
    """Eight establishments in BFC (21 Côte-d'Or, 25 Doubs) and two in Hérault (old LR)."""
    settings.OBSERVATORY_FIRST_YEAR = 2015
    establishment(created=D(2010, 5, 1), band="12")  # before the series: active from the start
    establishment(created=D(2016, 3, 1), band="01")
    establishment(created=D(2016, 9, 1), closed=D(2018, 6, 1), band="03")
    establishment(created=D(2018, 1, 1), naf="58.29C", band="11")
    establishment(created=D(2019, 1, 1), department="25", band="NN")
    establishment(created=None, department="25", band="")  # no date: counted as always there
    establishment(created=D(2012, 1, 1), closed=D(2014, 1, 1))  # gone before the series
    establishment(created=D(2017, 1, 1), digital=False, naf="47.11F", band="02")  # not digital
    establishment(created=D(2017, 2, 1), region="76", department="34", band="21")
    establishment(created=D(2019, 2, 1), closed=D(2020, 2, 1), region="76", department="34", band="01")
    # Closed at an unknown date: left out everywhere.
    gone = establishment(created=D(2016, 1, 1))
    type(gone).objects.filter(pk=gone.pk).update(state="F")


def _row(level: str, code: str, year: int, *, naf: str = "", digital: bool = True) -> Aggregate:
    return Aggregate.objects.get(
        territory_level=level, territory_code=code, year=year, naf_code=naf, digital_only=digital
    )


def test_active_creations_closures_and_jobs_per_year(directory):
    recompute_aggregates(end_year=2020)
    expected_active = {2015: 2, 2016: 4, 2017: 4, 2018: 4, 2019: 5, 2020: 5}
    got = {y: _row("region", "27", y).establishments_active for y in expected_active}
    assert got == expected_active
    assert [_row("region", "27", y).creations for y in range(2015, 2021)] == [0, 2, 0, 1, 1, 0]
    assert [_row("region", "27", y).closures for y in range(2015, 2021)] == [0, 0, 0, 1, 0, 0]
    jobs_2016 = BAND_MIDPOINTS["12"] + BAND_MIDPOINTS["01"] + BAND_MIDPOINTS["03"]
    assert _row("region", "27", 2016).estimated_jobs == round(jobs_2016)
    jobs_2020 = BAND_MIDPOINTS["12"] + BAND_MIDPOINTS["01"] + BAND_MIDPOINTS["11"]
    assert _row("region", "27", 2020).estimated_jobs == round(jobs_2020)


def test_all_sectors_slice_includes_non_digital(directory):
    recompute_aggregates(end_year=2020)
    assert _row("region", "27", 2020, digital=False).establishments_active == 6
    assert _row("region", "27", 2017, digital=False).creations == 1


def test_naf_division_and_sous_classe_slices(directory):
    recompute_aggregates(end_year=2020)
    assert _row("region", "27", 2020, naf="62").establishments_active == 4
    assert _row("region", "27", 2020, naf="62.01Z").establishments_active == 4
    assert _row("region", "27", 2020, naf="58").establishments_active == 1
    assert not Aggregate.objects.filter(naf_code="47", digital_only=True).exists()


def test_departments_old_regions_and_france(directory):
    recompute_aggregates(end_year=2020)
    assert _row("department", "21", 2020).establishments_active == 3
    assert _row("department", "25", 2020).establishments_active == 2
    # Hérault belongs to Languedoc-Roussillon (91) before 2016 and to Occitanie (76) now.
    assert _row("old_region", "91", 2019).establishments_active == 2
    assert _row("old_region", "91", 2020).establishments_active == 1
    assert _row("old_region", "26", 2020).establishments_active == 3  # Bourgogne: Côte-d'Or
    assert _row("france", "FR", 2020).establishments_active == 6
    assert _row("france", "FR", 2020).closures == 1


def test_current_year_matches_the_home_page_definition(directory):
    recompute_aggregates()
    year = dt.date.today().year
    for code in ("27", "76"):
        assert _row("region", code, year).establishments_active == region_figures(code).digital_establishments


def test_epci_through_the_commune(reference_territories, settings):
    settings.OBSERVATORY_FIRST_YEAR = 2015
    establishment(created=D(2016, 1, 1), commune="21231")  # Dijon → Dijon Métropole
    establishment(created=D(2017, 1, 1), commune="21231", closed=D(2019, 1, 1))
    recompute_aggregates(end_year=2020)
    rows = Aggregate.objects.filter(territory_level="epci", naf_code="", digital_only=True, year=2018)
    assert [(r.territory_code, r.establishments_active) for r in rows] == [("242100410", 2)]
    assert not Aggregate.objects.filter(territory_level="epci").exclude(naf_code="").exists()


def test_headcount_bands_today(directory):
    recompute_aggregates(end_year=2020)
    bands = dict(
        BandAggregate.objects.filter(
            territory_level="region", territory_code="27", digital_only=True
        ).values_list("headcount_band", "establishments_active")
    )
    assert bands == {"12": 1, "01": 1, "11": 1, "NN": 1, "": 1}


def test_recompute_is_idempotent(directory):
    first = recompute_aggregates(end_year=2020)
    snapshot = sorted(
        Aggregate.objects.values_list(
            "territory_level", "territory_code", "year", "naf_code", "digital_only", "establishments_active",
            "creations", "closures", "estimated_jobs",
        )
    )  # fmt: skip
    second = recompute_aggregates(end_year=2020)
    assert first.rows == second.rows
    assert snapshot == sorted(
        Aggregate.objects.values_list(
            "territory_level", "territory_code", "year", "naf_code", "digital_only", "establishments_active",
            "creations", "closures", "estimated_jobs",
        )
    )  # fmt: skip
    assert AggregateRun.objects.count() == 2


def test_recompute_is_atomic(directory, monkeypatch):
    recompute_aggregates(end_year=2020)
    before = Aggregate.objects.count()
    runs = AggregateRun.objects.count()

    real_insert = aggregates._insert

    def broken(model, columns, rows):
        if model is BandAggregate:  # the second table fails after the first was written
            raise IntegrityError("disk full")
        real_insert(model, columns, rows)

    monkeypatch.setattr(aggregates, "_insert", broken)
    establishment(created=D(2020, 6, 1))
    with pytest.raises(IntegrityError):
        recompute_aggregates(end_year=2020)
    assert Aggregate.objects.count() == before
    assert _row("region", "27", 2020).establishments_active == 5  # the previous figures, whole
    assert AggregateRun.objects.count() == runs
