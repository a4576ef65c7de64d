"""Concurrent writers wait for each other instead of failing ("database is locked").

Eight threads save survey answers at the same time through `save_answer` (which reads the
invitation, then writes), each with its own database connection, as gunicorn threads and the
task worker do in production. On SQLite this holds only because transactions begin IMMEDIATE
(settings.py): a deferred transaction that read first cannot wait for the write lock, SQLite
refuses the upgrade at once. The same test runs on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections

from filiere.core.backup import backup
from filiere.needs.models import Answer
from filiere.needs.services import save_answer

from .factories import CampaignFactory, InvitationFactory

THREADS = 8
WRITES = 6

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def threads_on_a_database_file(tmp_path: Path) -> Iterator[Path | None]:
    """On SQLite, point the threads' connections at a file copy of the test database.

    The suite's SQLite test database lives in memory with a shared cache, where SQLite reports
    a lock conflict at once (SQLITE_LOCKED never waits, whatever the settings): production uses
    a file in WAL mode, so the threads do too. Yields the file (None on PostgreSQL).
    """
    if connection.vendor != "sqlite":
        yield None
        return
    path = backup(tmp_path / "concurrency.sqlite3")
    # The main thread's connection is already open on the in-memory database and stays there;
    # connections opened by the threads read the settings dict shared by the alias.
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        settings_dict["NAME"] = original


def test_concurrent_survey_answers_all_succeed(tmp_path: Path) -> None:
    campaign = CampaignFactory()
    invitations = [InvitationFactory(campaign=campaign) for _ in range(THREADS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def answer_repeatedly(invitation: object) -> None:
        try:
            barrier.wait()
            for round_ in range(WRITES):
                save_answer(invitation=invitation, lines=[], no_needs=True, comments=f"réponse {round_}")
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    with threads_on_a_database_file(tmp_path) as path:
        threads = [threading.Thread(target=answer_repeatedly, args=(i,)) for i in invitations]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert not errors, errors
    if path is None:
        revisions = list(Answer.objects.values_list("revision", flat=True))
    else:
        with sqlite3.connect(path) as db:
            revisions = [r for (r,) in db.execute("SELECT revision FROM needs_answer")]
    # One answer per company, at its WRITES-th revision.
    assert sorted(revisions) == [WRITES] * THREADS
