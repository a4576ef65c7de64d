"""`filiere scheduler`: enqueue the recurring tasks of `settings.SCHEDULE` when they are due."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from filiere.core.scheduler import enqueue_due, entries


class Command(BaseCommand):
    help = (
        "Met en file les tâches récurrentes de settings.SCHEDULE quand elles sont dues (une fois par "
        "échéance, même avec deux planificateurs) ; le worker (filiere db_worker) les exécute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Un seul passage, puis quitter (cron).")
        parser.add_argument("--interval", type=float, default=30, help="Secondes entre deux passages.")

    def handle(self, *args: Any, once: bool = False, interval: float = 30, **options: Any) -> None:
        schedule = entries()  # fails loudly at start on a bad SCHEDULE
        for entry in schedule:
            self.stdout.write(f"{entry.task_path}: {entry.when}")
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if not once:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            for path in enqueue_due(schedule=schedule):
                self.stdout.write(f"enqueued {path}")
            if once:
                return
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
            if stopping:
                return
            close_old_connections()  # a database restart between two passes is no crash
