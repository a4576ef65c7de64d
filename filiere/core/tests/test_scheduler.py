"""`filiere scheduler`: each due run of a recurring task is enqueued once, and only once."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from filiere.core.models import ScheduledJob
from filiere.core.scheduler import Entry, enqueue_due, entries

PARIS = ZoneInfo("Europe/Paris")
NIGHTLY = f"{__name__}.nightly"
QUARTERLY = f"{__name__}.every_quarter"


@task()
def nightly() -> int:
    return 1


@task()
def every_quarter() -> int:
    return 1


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as in production, so enqueued runs can be counted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SCHEDULE = {NIGHTLY: "02:00", QUARTERLY: dt.timedelta(minutes=15)}


def paris(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def enqueued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_a_daily_slot_is_today_once_the_time_has_come_else_yesterday(settings) -> None:  # type: ignore[no-untyped-def]
    entry = Entry(NIGHTLY, dt.time(2, 0))
    assert entry.slot(paris(10, 1, 59)) == paris(9, 2)
    assert entry.slot(paris(10, 2, 0)) == paris(10, 2)
    assert entry.slot(paris(10, 23, 0)) == paris(10, 2)


def test_an_interval_slot_is_the_start_of_the_current_window() -> None:
    entry = Entry(QUARTERLY, dt.timedelta(minutes=15))
    assert entry.slot(paris(10, 9, 14)) == paris(10, 9, 0)
    assert entry.slot(paris(10, 9, 15)) == paris(10, 9, 15)


@pytest.mark.django_db
def test_due_tasks_are_enqueued_and_not_again_until_their_next_slot(queue) -> None:  # type: ignore[no-untyped-def]
    assert sorted(enqueue_due(now=paris(10, 3, 0))) == [QUARTERLY, NIGHTLY]
    assert enqueue_due(now=paris(10, 3, 1)) == []  # same slots: nothing due
    assert enqueue_due(now=paris(10, 3, 16)) == [QUARTERLY]  # next quarter, same night
    assert enqueue_due(now=paris(11, 1, 0)) == [QUARTERLY]  # before tonight's 02:00
    assert sorted(enqueue_due(now=paris(11, 2, 0))) == [QUARTERLY, NIGHTLY]
    assert enqueued(NIGHTLY) == 2
    assert enqueued(QUARTERLY) == 4
    job = ScheduledJob.objects.get(task_path=NIGHTLY)
    assert job.last_slot == paris(11, 2)
    assert job.last_result_id == str(DBTaskResult.objects.filter(task_path=NIGHTLY).latest("enqueued_at").id)


@pytest.mark.django_db
def test_a_restarted_scheduler_enqueues_a_missed_night_once(queue) -> None:  # type: ignore[no-untyped-def]
    enqueue_due(now=paris(10, 2, 30))
    # Down for two days: on restart the missed runs collapse into one.
    assert NIGHTLY in enqueue_due(now=paris(12, 18, 0))
    assert NIGHTLY not in enqueue_due(now=paris(12, 18, 1))
    assert enqueued(NIGHTLY) == 2


@pytest.mark.django_db
def test_the_command_runs_once_and_reports_what_it_enqueued(queue) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert f"enqueued {NIGHTLY}" in out.getvalue()
    out = StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "enqueued" not in out.getvalue()
    assert enqueued(NIGHTLY) == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_run_once(queue, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    now = paris(10, 3, 0)
    schedule = entries()
    ScheduledJob.objects.create(task_path=NIGHTLY)
    ScheduledJob.objects.create(task_path=QUARTERLY)
    results: list[list[str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def scheduler() -> None:
        try:
            start.wait()
            results.append(enqueue_due(now=now, schedule=schedule))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    with _threads_on_a_database_file(tmp_path):
        threads = [threading.Thread(target=scheduler) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(path for result in results for path in result) == sorted([NIGHTLY, QUARTERLY])
    if connection.vendor != "sqlite":
        assert enqueued(NIGHTLY) == enqueued(QUARTERLY) == 1


class _threads_on_a_database_file:
    """SQLite: the threads share a file copy of the in-memory test database (its shared cache
    reports lock conflicts at once instead of waiting, unlike a production file in WAL mode)."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "scheduler.sqlite3"
        self.original: str | None = None

    def __enter__(self) -> None:
        if connection.vendor != "sqlite":
            return
        connection.ensure_connection()
        target = sqlite3.connect(self.path)
        connection.connection.backup(target)
        target.close()
        self.original = connections.settings["default"]["NAME"]
        connections.settings["default"]["NAME"] = str(self.path)

    def __exit__(self, *exc: object) -> None:
        if self.original is not None:
            connections.settings["default"]["NAME"] = self.original


def test_a_bad_schedule_fails_loudly(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCHEDULE = {NIGHTLY: "25:00"}
    with pytest.raises(ImproperlyConfigured, match="HH:MM"):
        entries()
    settings.SCHEDULE = {"filiere.core.tests.test_scheduler.missing": "02:00"}
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        entries()
    settings.SCHEDULE = {"filiere.core.tests.test_scheduler.paris": "02:00"}
    with pytest.raises(ImproperlyConfigured, match="not a task"):
        entries()


def test_every_scheduled_job_of_the_settings_is_a_task() -> None:
    paths = {entry.task_path for entry in entries()}
    assert {
        "filiere.roadmaps.tasks.refresh_indicators",
        "filiere.needs.tasks.needs_reminders",
        "filiere.talent.tasks.anonymise_inactive_profiles",
        "filiere.showcase.tasks.saved_search_alerts",
        "filiere.observatory.tasks.recompute",
        "filiere.observatory.tasks.recompute_after_import",
    } <= paths
