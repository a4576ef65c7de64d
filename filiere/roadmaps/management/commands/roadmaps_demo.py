"""Load the three demo plans of the seed articles (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from filiere.roadmaps.demo import load_roadmaps_demo
from filiere.roadmaps.services import refresh_computed_indicators


class Command(BaseCommand):
    help = "Create or refresh the demo plans (Bourgogne-Franche-Comté, Nouvelle-Aquitaine, Grand Est)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plans = load_roadmaps_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for plan in plans:
            refresh_computed_indicators(plan=plan)
            actions = sum(o.actions.count() for a in plan.axes.all() for o in a.objectives.all())
            self.stdout.write(
                f"{plan.region_id} {plan.title}: {plan.axes.count()} axes, {actions} actions, "
                f"{plan.indicators.count()} indicators"
            )
