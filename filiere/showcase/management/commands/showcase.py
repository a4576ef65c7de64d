"""`filiere showcase alerts|reindex`: saved-search alerts and reindexing of the showcase."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Showcase upkeep: `alerts` mails new matching firms to saved searches; `reindex` rebuilds the index."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["alerts", "reindex"])
        parser.add_argument("--force", action="store_true", help="alerts: run every saved search, due or not")
        parser.add_argument("--enqueue", action="store_true", help="run as a background task (django-tasks)")

    def handle(self, *args: Any, **options: Any) -> None:
        from filiere.showcase import tasks
        from filiere.showcase.indexing import reindex_all
        from filiere.showcase.services import run_saved_search_alerts, send_contact_followups

        if options["enqueue"]:
            job = tasks.saved_search_alerts if options["action"] == "alerts" else tasks.reindex_showcase
            result = job.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        if options["action"] == "alerts":
            sent = run_saved_search_alerts(force=options["force"])
            self.stdout.write(f"{sent} alert(s) sent, {send_contact_followups()} contact follow-up(s)")
        else:
            self.stdout.write(f"{reindex_all()} profile(s) indexed")
