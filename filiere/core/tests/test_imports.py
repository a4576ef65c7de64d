"""Import runs killed outright are found and marked interrupted (heartbeat, process gone)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from filiere.core.models import ImportRun, current_host

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    """The id of a process that ran on this machine and is gone (reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_new_run_records_its_process() -> None:
    run = ImportRun.objects.create(kind="sirene_etablissement")
    assert run.host == current_host() and run.pid and run.heartbeat_at


def test_a_run_whose_process_is_gone_is_marked_interrupted() -> None:
    run = ImportRun.objects.create(kind="sirene_etablissement", pid=dead_pid())
    assert ImportRun.objects.mark_abandoned() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED and run.finished_at
    assert str(run.pid) in run.error


def test_a_silent_run_on_another_machine_is_marked_interrupted_after_the_delay() -> None:
    silent = ImportRun.objects.create(
        kind="training", host="worker-2", pid=1234, heartbeat_at=timezone.now() - dt.timedelta(minutes=16)
    )
    recent = ImportRun.objects.create(
        kind="training", host="worker-2", pid=1234, heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert ImportRun.objects.mark_abandoned() == 1
    silent.refresh_from_db()
    recent.refresh_from_db()
    assert silent.status == ImportRun.Status.INTERRUPTED and "15 minutes" in silent.error
    assert recent.status == ImportRun.Status.RUNNING


def test_a_live_run_and_finished_runs_are_left_alone() -> None:
    live = ImportRun.objects.create(kind="sirene_etablissement")  # this process, fresh heartbeat
    done = ImportRun.objects.create(
        kind="sirene_etablissement", status=ImportRun.Status.DONE, pid=dead_pid(), heartbeat_at=None
    )
    assert ImportRun.objects.mark_abandoned() == 0
    assert ImportRun.objects.get(pk=live.pk).status == ImportRun.Status.RUNNING
    assert ImportRun.objects.get(pk=done.pk).status == ImportRun.Status.DONE


def test_the_heartbeat_writes_at_most_every_interval() -> None:
    run = ImportRun.objects.create(kind="training")
    assert not run.beat({"created": 1})
    assert ImportRun.objects.get(pk=run.pk).counts == {}
    run.heartbeat_at = timezone.now() - dt.timedelta(seconds=ImportRun.HEARTBEAT_SECONDS + 1)
    assert run.beat({"created": 2})
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.counts == {"created": 2} and timezone.now() - stored.heartbeat_at < dt.timedelta(seconds=5)


def test_cleanup_and_list_commands(capsys: pytest.CaptureFixture[str]) -> None:
    run = ImportRun.objects.create(kind="sirene_etablissement", pid=dead_pid(), counts={"created": 12})
    call_command("imports", "cleanup")
    assert "1 import(s) abandonné(s)" in capsys.readouterr().out
    call_command("imports", "list")
    out = capsys.readouterr().out
    assert "Interrompu" in out and "sirene_etablissement" in out and "12" in out
    call_command("imports", "list", "--json")
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["status"] == "interrupted" and json.loads(line)["id"] == run.pk


def test_the_scheduled_task_marks_abandoned_runs() -> None:
    from filiere.core.tasks import mark_abandoned_imports

    run = ImportRun.objects.create(kind="training", pid=dead_pid())
    assert mark_abandoned_imports.call() == 1
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.INTERRUPTED
