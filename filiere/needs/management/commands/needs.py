"""`filiere needs remind`: the daily run of the surveys (closing, invitations, reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Skill-needs surveys: `remind` closes campaigns past their closing date, sends the invitations "
        "of campaigns whose opening day has come and reminds the companies that have not answered "
        "(after each campaign's delay, at most once a day, NEEDS_MAX_REMINDERS times). Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--enqueue", action="store_true", help="run as a background task (django-tasks)")

    def handle(self, *args: Any, **options: Any) -> None:
        from filiere.needs import tasks
        from filiere.needs.services import close_due_campaigns, send_reminders

        if options["enqueue"]:
            result = tasks.needs_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        closed = close_due_campaigns()
        sent = send_reminders()
        self.stdout.write(f"{closed} campaign(s) closed, {sent} mail(s) sent")
