"""Recompute the indicators the platform computes from its own data, for every plan (daily cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from filiere.roadmaps.services import refresh_all_computed_indicators


class Command(BaseCommand):
    help = (
        "Recompute every computed indicator (directory, training programmes) of every plan, dated today; "
        "run twice the same day, it updates today's values instead of adding new ones."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for plan, done in refresh_all_computed_indicators().items():
            total += len(done)
            self.stdout.write(f"{plan.region_id} {plan.title}: {len(done)} computed indicators")
        self.stdout.write(f"{total} computed indicators refreshed")
