"""Smoke test of the support benchmark: small data, SQLite; the report equals the brute-force
recount (no timing asserted here: timing is `make bench`'s)."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_support


@pytest.mark.django_db(transaction=True)
def test_funder_reports_equal_a_brute_force_recount() -> None:
    result = bench_support.run(Namespace(rows=20_000))
    assert result["firms"] == 4_000
    assert [f["equal"] for f in result["funders"]] == [True, True, True]
    assert all(0 < f["firms"] <= 4_000 for f in result["funders"])
    # Firms are supported ~5 times in three years: counting once by SIREN must count fewer firms
    # than engagements.
    assert all(f["firms"] < f["engagements"] for f in result["funders"])
    assert len(bench_support.table(result)) == 6
