"""Smoke test of bench/bench_talent.py: tiny data, a few searches each way."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_talent
from filiere.talent.models import JobOffer, JobSeeker

pytestmark = pytest.mark.django_db


def test_talent_benchmark_smoke(skills):
    result = bench_talent.run(Namespace(rows=2000, samples=10))
    # The reported load is what is in the database.
    assert result["load"]["offers"] == JobOffer.objects.count() == 200
    assert result["load"]["profiles"] == JobSeeker.objects.count() == 200
    assert result["samples"] == 10
    assert result["offers_median_results"] > 0 and result["candidates_median_results"] > 0
    # Percentiles of the measured searches, and verdicts computed from them and the goals.
    assert 0 < result["offers_p50_ms"] <= result["offers_p95_ms"]
    assert 0 < result["candidates_p50_ms"] <= result["candidates_p95_ms"]
    assert result["verdict_offers"] == (
        "PASS" if result["offers_p95_ms"] < result["goal_offers_p95_ms"] else "FAIL"
    )
    assert result["verdict_candidates"] == (
        "PASS" if result["candidates_p95_ms"] < result["goal_candidates_p95_ms"] else "FAIL"
    )
    rows = {measure: (value, goal) for measure, value, goal in bench_talent.table(result)}
    assert rows["job offers / job-seeker profiles"] == ("200 / 200", "")
    assert rows["best offers for a candidate p95"] == (
        f"{result['offers_p95_ms']} ms",
        f"< {result['goal_offers_p95_ms']:.0f} ms: {result['verdict_offers']}",
    )
