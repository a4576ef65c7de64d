"""A SIRENE import killed outright (SIGKILL) is marked interrupted, and a rerun finishes the job.

The import runs in a real `filiere import sirene` process, killed once it has committed some
batches: it cannot mark its own run, which stays "running". The next import finds the run's
process gone and marks it interrupted before starting; being idempotent, it imports what the
killed one had not and counts the rest unchanged. On SQLite the processes share a file copy of
the (in-memory) test database; on PostgreSQL the test database itself.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from bench import generate
from filiere.core.backup import backup

pytestmark = pytest.mark.django_db(transaction=True)

# Small enough for the suite (the rerun imports every row), large enough that the import is still
# running when the test sees its first batches committed: 20 batches of 250, killed after two.
ROWS = 5_000
BATCH = 250


def database_url(tmp_path: Path) -> str:
    """A DATABASE_URL other processes can open, holding the test database's schema and rows."""
    if connection.vendor == "sqlite":
        path = backup(tmp_path / "shared.sqlite3")
        return f"sqlite:///{path}"
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def run_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "t",
        "DJANGO_SETTINGS_MODULE": "filiere.settings",
    }


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20) as db:
            return db.execute(sql).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_killed_import_is_marked_interrupted_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    stock = generate.generate(
        tmp_path / "StockEtablissement.csv", ROWS, data_dir=Path(settings.FILIERE_DATA_DIR)
    )
    url = database_url(tmp_path)
    command = [
        sys.executable,
        "-m",
        "filiere.cli",
        "import",
        "sirene",
        str(stock),
        "--naf",
        "all",
        "--batch-size",
        str(BATCH),
    ]
    log = (tmp_path / "import.log").open("wb")
    process = subprocess.Popen(command, env=run_env(url), stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if query(url, "SELECT count(*) FROM organisations_establishment")[0][0] >= 2 * BATCH:
            break
        time.sleep(0.05)
    assert process.poll() is None, (tmp_path / "import.log").read_text()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    log.close()
    [(killed_id, status)] = query(url, "SELECT id, status FROM core_importrun")
    assert status == "running"  # nobody could say otherwise
    written = query(url, "SELECT count(*) FROM organisations_establishment")[0][0]
    assert 0 < written < ROWS

    rerun = subprocess.run(
        [*command, "--json"], env=run_env(url), capture_output=True, text=True, check=True, timeout=300
    )
    counts = json.loads(rerun.stdout)["counts"]
    runs = dict(query(url, "SELECT id, status FROM core_importrun"))
    assert runs[killed_id] == "interrupted"
    assert runs[json.loads(rerun.stdout)["import_run_id"]] == "done"
    error = query(url, f"SELECT error FROM core_importrun WHERE id = {killed_id}")[0][0]
    assert str(process.pid) in error
    assert counts["unchanged"] >= written  # the killed run's committed batches are not rewritten
    assert (
        counts["created"] + counts["updated"] + counts["unchanged"] == counts["kept"] - counts["duplicates"]
    )
    assert (
        query(url, "SELECT count(*) FROM organisations_establishment")[0][0]
        == counts["kept"] - counts["duplicates"]
    )

    listing = subprocess.run(
        [sys.executable, "-m", "filiere.cli", "imports", "list"],
        env=run_env(url), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Interrompu" in listing.stdout and "Terminé" in listing.stdout
