"""Smoke test of the load test: a few clients for a few seconds against both servers, on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_test_runs_both_servers_without_errors(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-smoke",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite3'}",
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
            "4",
            "--clients",
            "4",
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
