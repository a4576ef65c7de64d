"""Demo figures, the recompute command and the background task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from filiere.observatory.demo import load_observatory_demo
from filiere.observatory.models import Aggregate, AggregateRun, OfficialFigure
from filiere.observatory.tasks import recompute

from .factories import establishment


def test_demo_loads_the_seed_figures_once(reference_territories):
    first = load_observatory_demo()
    second = load_observatory_demo()
    assert len(first) == len(second) == OfficialFigure.objects.count() == 10
    lr = OfficialFigure.objects.get(
        territory_level="old_region", territory_code="91", indicator="establishment_growth"
    )
    assert (lr.year, lr.end_year, lr.value) == (2009, 2012, 34)
    women = OfficialFigure.objects.get(territory_code="27", indicator="women_share")
    assert women.value == 16 and "K6 FM" in women.source
    assert AggregateRun.objects.count() == 2  # the aggregates were recomputed each time


def test_command_and_task_recompute(reference_territories, settings):
    settings.OBSERVATORY_FIRST_YEAR = 2015
    establishment(created=dt.date(2016, 1, 1))
    out = StringIO()
    call_command("observatory_recompute", "--end-year", "2020", stdout=out)
    assert "1 établissements lus" in out.getvalue()
    assert (
        Aggregate.objects.get(
            territory_level="region", territory_code="27", year=2020, naf_code="", digital_only=True
        ).establishments_active
        == 1
    )
    establishment(created=dt.date(2017, 1, 1))
    result = recompute.enqueue(end_year=2020)  # immediate backend in tests
    assert result.return_value > 0
    assert (
        Aggregate.objects.get(
            territory_level="region", territory_code="27", year=2020, naf_code="", digital_only=True
        ).establishments_active
        == 2
    )
