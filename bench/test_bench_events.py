"""Smoke test of the events benchmark: a small rush, its checks against a recount.

The benchmark runs in a thread of its own, so that on SQLite its connection (and those of the
rush's threads) open the file copy of the test database, in WAL mode as in production; on
PostgreSQL they open the test database. The main thread's in-memory SQLite connection is not
used by the run.
"""

from __future__ import annotations

import threading
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from bench import bench_events
from filiere.events.models import Registration
from filiere.needs.tests.test_concurrency import threads_on_a_database_file


def _in_own_thread(work: Any) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db(transaction=True)
def test_events_benchmark_reports_no_oversell(tmp_path: Path) -> None:
    def run() -> tuple[dict[str, Any], int]:
        result = bench_events.run(Namespace(rounds=1, rush=12))
        return result, Registration.objects.filter(status="confirmed").count()

    with threads_on_a_database_file(tmp_path):
        result, confirmed = _in_own_thread(run)
    assert result["oversold"] == 0 and result["order_violations"] == 0 and result["errors"] == 0
    assert result["confirmed_per_round"] == [bench_events.CAPACITY]
    assert result["waitlisted_per_round"] == [12 - (bench_events.CAPACITY - bench_events.ALREADY)]
    assert confirmed == 2 * bench_events.CAPACITY
    rows = bench_events.table(result)
    assert rows[1] == ("seats oversold", "0", "= 0 PASS")
