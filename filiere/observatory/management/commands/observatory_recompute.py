"""`filiere observatory_recompute`: rebuild the observatory's aggregates from the directory."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Recalcule les agrégats de l'observatoire à partir de l'annuaire (une transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--end-year", type=int, default=None, help="Dernière année (par défaut l'année en cours)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Mettre le calcul en file (django-tasks) au lieu de l'exécuter.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from filiere.observatory.tasks import recompute

            result = recompute.enqueue(end_year=options["end_year"])
            self.stdout.write(f"task {result.id}: {result.status}")
            return
        from filiere.observatory.aggregates import recompute_aggregates

        report = recompute_aggregates(end_year=options["end_year"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} agrégats + {report.band_rows} par tranche, {report.establishments} établissements lus, "
                f"{report.seconds:.1f} s"
            )
        )
