"""`filiere observatory_changes`: what the last SIRENE update changed, and the digest mails."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Compare les établissements SIRENE avec la comparaison précédente (fermetures, déménagements, "
        "nouveaux codes NAF, nouveaux établissements du numérique) et envoie le résumé aux équipes des clusters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-mail", action="store_true", help="Ne pas envoyer les résumés.")

    def handle(self, *args: Any, **options: Any) -> None:
        from filiere.observatory.changes import record_changes, send_change_digests

        run = record_changes()
        if run.baseline:
            self.stdout.write(f"État initial enregistré : {run.establishments} établissements SIRENE.")
            return
        sent = 0 if options["no_mail"] else send_change_digests(run)
        self.stdout.write(
            f"{run.establishments} établissements comparés, {run.changes} changements, {sent} résumés envoyés."
        )
