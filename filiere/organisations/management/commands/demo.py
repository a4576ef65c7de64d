"""`filiere demo`: load the demonstration data (see `filiere.organisations.demo`)."""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from filiere.organisations.demo import DEMO_REGIONS, DemoNotReady, run_demo
from filiere.organisations.models import Source


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : acteurs des articles de référence, échantillon "
        "SIRENE réel, TechOnMap (Île-de-France) et entreprises générées. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplie les volumes générés (ex. 0.01 pour un essai)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime d'abord les données de démo (seed, generated, techonmap).",
        )
        parser.add_argument(
            "--with-users",
            action="store_true",
            default=None,
            help="Crée les comptes de démonstration même si DEBUG est désactivé.",
        )
        parser.add_argument("--no-sirene", action="store_true", help="N'importe pas l'échantillon SIRENE.")
        parser.add_argument("--no-techonmap", action="store_true", help="N'importe pas TechOnMap.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale doit être positif.")
        started = time.monotonic()
        try:
            report = run_demo(
                scale=options["scale"],
                reset=options["reset"],
                with_users=options["with_users"],
                sirene=not options["no_sirene"],
                techonmap=not options["no_techonmap"],
                write=self.stdout.write,
            )
        except DemoNotReady as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write("")
        self.stdout.write(
            "Objectifs des articles (établissements numériques actifs et emplois, l'année du chiffre) :"
        )
        for line in report.plan:
            self.stdout.write(
                f"  {line.target.label:<55} {line.target.year} : {line.total:>6} établissements = "
                f"{line.existing:>4} réels/seed + {line.total - line.existing:>6} générés, {line.jobs:>6} emplois ; "
                f"{line.rows} entreprises générées de {line.first_year} à {line.horizon} "
                f"({line.to_generate} actives, {line.closed} fermées) — {line.target.basis}"
            )
        self.stdout.write("")
        sources = [s.value for s in Source]
        header = "  ".join(f"{s:>9}" for s in sources)
        self.stdout.write(f"{'Établissements par région':<28}{header}{'total':>9}")
        for code, counts in report.by_region_source.items():
            cells = "  ".join(f"{counts.get(s, 0):>9}" for s in sources)
            self.stdout.write(f"{DEMO_REGIONS[code] + ' (' + code + ')':<28}{cells}{sum(counts.values()):>9}")
        if report.users:
            self.stdout.write("")
            self.stdout.write("Comptes de démonstration :")
            for username, password, label in report.users:
                secret = password if password else "(compte existant, mot de passe inchangé)"
                self.stdout.write(f"  {username:<14} {secret:<42} {label}")
        else:
            self.stdout.write("")
            self.stdout.write("Comptes de démonstration non créés (DEBUG désactivé) : ajoutez --with-users.")
        self._load_app_demos()
        self.stdout.write("")
        elapsed = time.monotonic() - started
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Démonstration chargée en {elapsed:.1f} s."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Rien à faire : la démonstration est déjà à jour ({elapsed:.1f} s).")
            )

    def _load_app_demos(self) -> None:
        """Other apps plug their demo in by naming a loader in their AppConfig (`demo_loader`).

        The directory goes first because the other demos hang on its organisations and regions.
        """
        for config in apps.get_app_configs():
            path = getattr(config, "demo_loader", None)
            if not path:
                continue
            started = time.monotonic()
            result = import_string(path)()
            self.stdout.write(
                f"Démonstration {config.verbose_name} : {_summary(result)} ({time.monotonic() - started:.1f} s)."
            )


def _summary(result: Any) -> str:
    """What a demo loader returned, in words: a count of objects, or the object it set up
    (a merger, a consultation), named rather than counted."""
    if isinstance(result, int):
        return f"{result} objets à jour"
    if hasattr(result, "__len__"):
        return f"{len(result)} objets à jour"
    return "à jour" if result is None else f"à jour — {result}"
