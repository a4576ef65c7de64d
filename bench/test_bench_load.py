"""Smoke test of the load test: a few clients for a few seconds against both servers, on SQLite."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import REQUESTS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def load_database(tmp_path: Path) -> Path:
    """The SQLite file the load test runs on, created from the committed snapshot of the migrated
    database (`filiere/core/testdb.py`, what the test databases are built from): the load test's
    `migrate` then has nothing to apply, where migrating an empty file cost it about 24 s of CPU.
    With a stale snapshot (a migration not yet snapshotted) the file is left to the load test to
    migrate, as before."""
    from filiere.core import testdb

    path = tmp_path / "load.sqlite3"
    snapshot = testdb.read_snapshot("sqlite")
    if snapshot is not None and snapshot[0] == testdb.snapshot_key("sqlite"):
        database = sqlite3.connect(path)
        try:
            database.executescript(f"BEGIN;\n{snapshot[1]}COMMIT;")
        finally:
            database.close()
    return path


def test_load_test_runs_both_servers_without_errors(load_database: Path) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-smoke",
        "DATABASE_URL": f"sqlite:///{load_database}",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        # The two servers the assertions compare; the threaded gunicorn variant is the same app and
        # configuration path, measured by the full benchmark (`make bench`).
        [
            sys.executable,
            "-m",
            "bench.load",
            "--quick",
            "--duration",
            "2",
            # As many clients as request kinds: each client starts the mix at its own kind, so
            # every kind is asked in each slice of each server, however short.
            "--clients",
            str(len(REQUESTS)),
            "--json",
            "--servers",
            "gunicorn,runserver",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for server in ("gunicorn", "runserver"):
        measured = report["servers"][server]
        assert measured["errors"] == 0, measured["error_samples"]
        assert measured["per_s"] > 0
        # Every request of the mix was served at least once, the survey answer included.
        assert all(item["ok"] > 0 for item in measured["by_request"].values()), measured["by_request"]
    assert set(report["servers"]) == {"gunicorn", "runserver"}
    assert report["throughput_vs_runserver"]["gunicorn"] == round(
        report["servers"]["gunicorn"]["per_s"] / report["servers"]["runserver"]["per_s"], 2
    )
