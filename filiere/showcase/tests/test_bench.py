"""Smoke test of bench/bench_showcase.py: tiny data, the fast test embedder, a few queries."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_showcase
from filiere.showcase.models import CompetenceDeclaration, ShowcaseProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def hashing_embedder():
    from filiere.matching.embeddings import HashingEmbedder, set_embedder
    from filiere.matching.services import reset_caches

    previous = set_embedder(HashingEmbedder())
    reset_caches()
    yield
    set_embedder(previous)
    reset_caches()


def test_showcase_benchmark_smoke(skills, hashing_embedder):
    result = bench_showcase.run(Namespace(rows=1000, queries=12))
    # The reported load is what is in the database.
    assert result["load"]["organisations"] == ShowcaseProfile.objects.filter(is_published=True).count() == 100
    assert result["load"]["declarations"] == CompetenceDeclaration.objects.count() == 1000
    assert result["queries"] == 12 and result["median_result_count"] > 0
    # Percentiles of the measured searches, and the verdict computed from them and the goal.
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["slowest"][0]["ms"] == result["max_ms"]
    assert result["verdict"] == ("PASS" if result["p95_ms"] < result["goal_p95_ms"] else "FAIL")
    rows = {measure: (value, goal) for measure, value, goal in bench_showcase.table(result)}
    assert rows["competence declarations"] == ("1,000", "")
    assert rows["search_showcase p95"] == (
        f"{result['p95_ms']} ms",
        f"< {result['goal_p95_ms']:.0f} ms: {result['verdict']}",
    )
