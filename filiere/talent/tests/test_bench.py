"""Smoke test of bench/bench_talent.py: tiny data, a few searches each way."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_talent

pytestmark = pytest.mark.django_db


def test_talent_benchmark_smoke(skills):
    result = bench_talent.run(Namespace(rows=2000, samples=10))
    assert result["load"]["offers"] == 200 and result["load"]["profiles"] == 200
    assert result["samples"] == 10
    assert result["offers_median_results"] > 0 and result["candidates_median_results"] > 0
    assert result["verdict_offers"] in ("PASS", "FAIL")
    assert bench_talent.table(result)
