"""Migration 0002: reference loads become `core.ImportRun` rows, their history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("taxonomy", "0001_initial"), ("core", "0003_importrun_process_heartbeat")]
AFTER = [("taxonomy", "0002_referenceload_into_importrun")]


@pytest.mark.django_db(transaction=True)
def test_reference_loads_become_import_runs_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    loaded_at = timezone.make_aware(dt.datetime(2026, 3, 1, 8, 30))
    old.get_model("taxonomy", "ReferenceLoad").objects.create(
        dataset="naf", loaded_at=loaded_at, created=1728, updated=0, unchanged=0,
        details={"naf": {"created": 1728, "updated": 0, "unchanged": 0}}, data_dir="/data",
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    run = new.get_model("core", "ImportRun").objects.get(kind="reference:naf")
    assert (run.status, run.started_at, run.finished_at) == ("done", loaded_at, loaded_at)
    assert run.counts == {"created": 1728, "updated": 0, "unchanged": 0, "rejected": 0}
    assert run.options["tables"]["naf"]["created"] == 1728 and run.options["data_dir"] == "/data"
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("taxonomy", "ReferenceLoad").objects.get()
    assert (back.dataset, back.loaded_at, back.created) == ("naf", loaded_at, 1728)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
