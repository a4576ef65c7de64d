"""Smoke test of the events benchmark: a small rush, its checks against a recount."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest

from bench import bench_events
from filiere.events.models import Registration
from filiere.needs.tests.test_concurrency import threads_on_a_database_file


@pytest.mark.django_db(transaction=True)
def test_events_benchmark_reports_no_oversell(tmp_path: Path) -> None:
    with threads_on_a_database_file(tmp_path) as path:
        if path is not None:
            pytest.skip("SQLite: the benchmark's own file database is used by `make bench`")
        result = bench_events.run(Namespace(rounds=1, rush=12))
    assert result["oversold"] == 0 and result["order_violations"] == 0 and result["errors"] == 0
    assert result["confirmed_per_round"] == [bench_events.CAPACITY]
    assert result["waitlisted_per_round"] == [12 - (bench_events.CAPACITY - bench_events.ALREADY)]
    assert Registration.objects.filter(status="confirmed").count() == 2 * bench_events.CAPACITY
    rows = bench_events.table(result)
    assert rows[1] == ("seats oversold", "0", "= 0 PASS")
