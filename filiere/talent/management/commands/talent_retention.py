"""Anonymise job-seeker profiles inactive for TALENT_RETENTION_DAYS (default 730); run from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from filiere.talent.services import anonymise_inactive, retention_days


class Command(BaseCommand):
    help = "Anonymise job-seeker profiles without activity for TALENT_RETENTION_DAYS days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run through the task queue instead of now."
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            from filiere.talent.tasks import anonymise_inactive_profiles

            anonymise_inactive_profiles.enqueue()
            self.stdout.write("Task enqueued.")
            return
        done = anonymise_inactive()
        self.stdout.write(f"{done} profile(s) anonymised (retention: {retention_days()} days).")
