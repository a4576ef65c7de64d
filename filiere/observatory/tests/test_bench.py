"""The observatory benchmark at tiny size (keeps bench/bench_observatory.py working)."""

from __future__ import annotations

from argparse import Namespace

from bench import bench_observatory
from filiere.observatory.models import Aggregate
from filiere.organisations.models import Establishment


def test_benchmark_runs_and_reports_against_the_goals(reference_territories):
    result = bench_observatory.run(Namespace(rows=400, requests=12))
    assert result["rows"] == 400 and result["requests"] == 12
    assert result["load"]["closed"] > 0
    assert result["aggregate_rows"] > 0
    assert result["verdict_recompute"] in {"PASS", "FAIL"} and result["verdict_pages"] in {"PASS", "FAIL"}
    assert bench_observatory.table(result)
    # The generated rows are gone afterwards.
    assert not Establishment.objects.exists() and not Aggregate.objects.exists()
