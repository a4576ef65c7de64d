"""Smoke test of the meetings benchmark: a tenth of the forum, figures recounted."""

from __future__ import annotations

from argparse import Namespace

from bench import bench_meetings


def test_meetings_benchmark_reports_bound_greedy_and_moves() -> None:
    result = bench_meetings.run(Namespace(scale=0.1))
    assert len(result["cases"]) == len(bench_meetings.CASES)
    for case in result["cases"]:
        assert case["greedy"] <= case["upper_bound"] and case["placed"] <= case["upper_bound"]
        assert case["gap_to_bound_pct"] == round(100 * (1 - case["placed"] / case["upper_bound"]), 3)
        if case["bound_is_optimum"]:
            assert case["placed"] == case["upper_bound"]
        if "reschedule" in case:
            r = case["reschedule"]
            assert 0 <= r["moved"] <= r["published_still_valid"]
    assert result["goals"]["optimum_where_exact"]["pass"]
    rows = bench_meetings.table(result)
    assert rows[-2][0] == "worst gap to the bound"
