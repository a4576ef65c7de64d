"""Smoke test of bench/bench_showcase.py: tiny data, the fast test embedder, a few queries."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_showcase

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
    assert result["load"]["organisations"] == 100
    assert result["load"]["declarations"] == 1000
    assert result["queries"] == 12 and result["median_result_count"] > 0
    assert result["verdict"] in ("PASS", "FAIL")
    assert bench_showcase.table(result)
