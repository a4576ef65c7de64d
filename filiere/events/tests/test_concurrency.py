"""50 people register at once for the last 10 seats: never oversold, first come first served.

Real threads, each with its own database connection, as gunicorn threads are in production; on
SQLite the threads share a file copy of the test database (see needs' test_concurrency for why),
on PostgreSQL the test database itself (`select_for_update` on the event's row). Run on both:
`DATABASE_URL=postgres://…/filiere_events pytest filiere/events/tests/test_concurrency.py`.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from filiere.events import services
from filiere.events.models import Registration, RegistrationStatus
from filiere.needs.tests.test_concurrency import threads_on_a_database_file

from .factories import UserFactory, make_event

pytestmark = pytest.mark.django_db(transaction=True)

CAPACITY = 60
ALREADY = 50
RUSH = 50


def rows(path: Path | None, event_id: int) -> list[tuple[int, str]]:
    """(sequence, status) of the event's registrations, read where the threads wrote."""
    if path is None:
        return list(
            Registration.objects.filter(event_id=event_id)
            .order_by("sequence")
            .values_list("sequence", "status")
        )
    with sqlite3.connect(path) as db:
        return list(
            db.execute(
                "SELECT sequence, status FROM events_registration WHERE event_id = ? ORDER BY sequence",
                (event_id,),
            )
        )


def rush(event: Any, users: list[Any]) -> tuple[list[BaseException], list[tuple[int, str]]]:
    """All `users` register at once (a barrier releases the threads together)."""
    errors: list[BaseException] = []
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(len(users))
    lock = threading.Lock()

    def register(user: Any) -> None:
        try:
            barrier.wait()
            registration = services.register(event=event, user=user)
            with lock:
                results.append((registration.sequence, registration.status))
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, results


def test_fifty_concurrent_registrations_for_ten_seats_never_oversell(tmp_path: Path) -> None:
    event = make_event(capacity=CAPACITY)
    for _ in range(ALREADY):
        services.register(event=event, user=UserFactory())
    users = [UserFactory() for _ in range(RUSH)]
    with threads_on_a_database_file(tmp_path) as path:
        errors, results = rush(event, users)
        stored = rows(path, event.pk)
    assert not errors, errors
    confirmed = [seq for seq, status in stored if status == RegistrationStatus.CONFIRMED]
    waitlisted = [seq for seq, status in stored if status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == CAPACITY and len(waitlisted) == RUSH - (CAPACITY - ALREADY)
    # Arrival numbers have no gap nor duplicate, and the seats went to the first ten arrivals:
    # every confirmed arrival came before every waitlisted one.
    assert [seq for seq, _ in stored] == list(range(1, ALREADY + RUSH + 1))
    assert max(confirmed) < min(waitlisted)
    # What each thread was told is what was stored.
    assert sorted(results) == [(s, st) for s, st in stored if s > ALREADY]
