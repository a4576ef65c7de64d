"""The observatory benchmark at tiny size (keeps bench/bench_observatory.py working)."""

from __future__ import annotations

from argparse import Namespace

from bench import bench_observatory
from filiere.observatory.models import Aggregate
from filiere.organisations.models import Establishment


def test_benchmark_runs_and_reports_against_the_goals(reference_territories):
    result = bench_observatory.run(Namespace(rows=400, requests=12))
    assert result["rows"] == 400 and result["requests"] == 12
    assert result["load"]["establishments"] == 400
    assert 0 < result["load"]["closed"] < 400
    assert result["aggregate_rows"] > 0
    # Percentiles of the same measured requests, and verdicts computed from them and the goals.
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert [s["ms"] for s in result["slowest"]][0] == result["max_ms"]
    assert result["verdict_recompute"] == (
        "PASS" if result["recompute_s"] < result["goal_recompute_s"] else "FAIL"
    )
    assert result["verdict_pages"] == ("PASS" if result["p95_ms"] < result["goal_p95_ms"] else "FAIL")
    rows = {measure: (value, goal) for measure, value, goal in bench_observatory.table(result)}
    assert rows["recompute_aggregates()"] == (
        f"{result['recompute_s']} s",
        f"< {result['goal_recompute_s']:.0f} s: {result['verdict_recompute']}",
    )
    assert rows["establishments (10 years of history)"] == ("400", f"{result['load']['closed']:,} closed")
    # The generated rows are gone afterwards.
    assert not Establishment.objects.exists() and not Aggregate.objects.exists()
