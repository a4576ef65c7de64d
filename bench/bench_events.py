"""Event registration under contention: 50 people register at once for the last 10 seats.

An event of 60 seats has 50 confirmed registrations; 50 threads (each with its own database
connection, as gunicorn threads in production) are released together by a barrier and call
`events.services.register`. Repeated `ROUNDS` times on fresh events. Each round checks, from the
database: seats confirmed never exceed the capacity (oversold = 0), arrival numbers have no gap
or duplicate, and every confirmed arrival came before every waitlisted one (waitlist order
violations = 0). Reported: the latency of one registration under contention (p50, p95, max) and
the rush's throughput, against a baseline measured in the same run: the same 50 registrations
made one after the other by one thread (contended ÷ sequential throughput).

On SQLite the bench database is a file in WAL mode and transactions begin IMMEDIATE, so writers
queue on the database lock; on PostgreSQL the event's row is locked (`select_for_update`).
`--rows` is ignored: the contention is the point, not the volume.

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/ev.sqlite3 .venv/bin/python -m bench.bench_events`
(after `filiere migrate`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import threading
import time
from argparse import Namespace
from typing import Any

CAPACITY = 60
ALREADY = 50
RUSH = 50
ROUNDS = 5


def _users(prefix: str, n: int) -> list[Any]:
    from filiere.accounts.models import User

    User.objects.bulk_create(
        [User(username=f"{prefix}-{i}", email=f"{prefix}-{i}@bench.invalid", password="!") for i in range(n)]
    )
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def _event(organiser: Any, title: str) -> Any:
    from django.utils import timezone

    from filiere.events.models import Event

    start = timezone.now() + dt.timedelta(days=30)
    return Event.objects.create(
        organiser=organiser, title=title, starts_at=start, ends_at=start + dt.timedelta(hours=8),
        venue="Chalon-sur-Saône", capacity=CAPACITY, is_published=True, region_code="27",
    )  # fmt: skip


def _fill(event: Any, users: list[Any]) -> None:
    from filiere.events import services

    for user in users:
        services.register(event=event, user=user)


def _check(event: Any) -> dict[str, int]:
    from filiere.events.models import Registration, RegistrationStatus

    rows = list(
        Registration.objects.filter(event=event).order_by("sequence").values_list("sequence", "status")
    )
    confirmed = [s for s, st in rows if st == RegistrationStatus.CONFIRMED]
    waitlisted = [s for s, st in rows if st == RegistrationStatus.WAITLISTED]
    order_violations = sum(1 for w in waitlisted for c in confirmed if c > w)
    return {
        "oversold": max(0, len(confirmed) - CAPACITY),
        "sequence_errors": int([s for s, _ in rows] != list(range(1, len(rows) + 1))),
        "order_violations": order_violations,
        "confirmed": len(confirmed),
        "waitlisted": len(waitlisted),
    }


def _rush(event: Any, users: list[Any]) -> tuple[list[float], float, list[str]]:
    """All `users` register at once; (latency of each, wall time of the rush, errors)."""
    from django.db import connections

    from filiere.events import services

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users) + 1)

    def register(user: Any) -> None:
        try:
            barrier.wait()
            start = time.perf_counter()
            services.register(event=event, user=user)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
        except Exception as exc:  # noqa: BLE001 (counted and reported)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, errors


def run(args: Namespace) -> dict[str, Any]:
    from django.conf import settings

    from filiere.organisations.models import Kind, Organisation

    # Each registration renders its confirmation (with the ICS) as in production; delivery goes
    # to memory rather than to an SMTP server the bench machine does not have.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    rounds = getattr(args, "rounds", ROUNDS)
    rush = getattr(args, "rush", RUSH)
    organiser = Organisation.objects.create(name="Nicéphore Cité (bench)", kind=Kind.CLUSTER)
    # Baseline: the same number of registrations, one after the other, in one thread.
    baseline_event = _event(organiser, "Baseline")
    _fill(baseline_event, _users("base-fill", ALREADY))
    sequential_users = _users("base-rush", rush)
    start = time.perf_counter()
    _fill(baseline_event, sequential_users)
    sequential_s = time.perf_counter() - start

    latencies: list[float] = []
    walls: list[float] = []
    errors: list[str] = []
    checks: list[dict[str, int]] = []
    for index in range(rounds):
        event = _event(organiser, f"Conext Days {index}")
        _fill(event, _users(f"fill-{index}", ALREADY))
        lat, wall, errs = _rush(event, _users(f"rush-{index}", rush))
        latencies += lat
        walls.append(wall)
        errors += errs
        checks.append(_check(event))
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else 0.0
    contended_rate = rounds * rush / sum(walls) if walls else 0.0
    sequential_rate = rush / sequential_s if sequential_s else 0.0
    oversold = sum(c["oversold"] for c in checks)
    violations = sum(c["order_violations"] + c["sequence_errors"] for c in checks)
    return {
        "rounds": rounds,
        "threads": rush,
        "capacity": CAPACITY,
        "seats_left": CAPACITY - ALREADY,
        "errors": len(errors),
        "error_samples": errors[:3],
        "oversold": oversold,
        "order_violations": violations,
        "confirmed_per_round": sorted({c["confirmed"] for c in checks}),
        "waitlisted_per_round": sorted({c["waitlisted"] for c in checks}),
        "latency_p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
        "latency_p95_ms": round(p95 * 1000, 1),
        "latency_max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
        "contended_per_s": round(contended_rate, 1),
        "sequential_per_s": round(sequential_rate, 1),
        "contended_vs_sequential": round(contended_rate / sequential_rate, 2) if sequential_rate else 0.0,
        "goals": {
            "oversold": {"target": 0, "pass": oversold == 0},
            "order_violations": {"target": 0, "pass": violations == 0 and not errors},
        },
    }


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, value, goal) rows for the Markdown and terminal tables."""
    goals = result["goals"]

    def verdict(name: str) -> str:
        return f"= 0 {'PASS' if goals[name]['pass'] else 'FAIL'}"

    return [
        (
            "rush",
            f"{result['threads']} threads × {result['rounds']} rounds for {result['seats_left']} seats "
            f"of {result['capacity']}",
            "",
        ),
        ("seats oversold", f"{result['oversold']}", verdict("oversold")),
        (
            "waitlist order violations (and errors)",
            f"{result['order_violations']} ({result['errors']})",
            verdict("order_violations"),
        ),  # fmt: skip
        (
            "confirmed / waitlisted per round",
            f"{result['confirmed_per_round']} / {result['waitlisted_per_round']}",
            "",
        ),
        (
            "registration latency p50 / p95 / max (ms)",
            f"{result['latency_p50_ms']} / {result['latency_p95_ms']} / {result['latency_max_ms']}",
            "",
        ),  # fmt: skip
        ("contended registrations/s", f"{result['contended_per_s']}", ""),
        ("sequential registrations/s (baseline)", f"{result['sequential_per_s']}", ""),
        ("contended ÷ sequential", f"{result['contended_vs_sequential']}×", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--rush", type=int, default=RUSH)
    args = parser.parse_args()
    import django

    django.setup()
    result = run(args)
    for row in table(result):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
