"""`filiere import_training FILE [--format lheo|csv]`: import a training-offer file."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.training.importers import FORMATS, TrainingFormatError, import_training


class Command(BaseCommand):
    help = "Importe une offre de formation : fichier LHÉO 2.x (XML) ou CSV (colonnes dans docs/training.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Fichier LHÉO (.xml) ou CSV (.csv).")
        parser.add_argument(
            "--format", choices=FORMATS, help="Format du fichier (deviné d'après l'extension)."
        )
        parser.add_argument("--json", action="store_true", help="Affiche un objet JSON au lieu du résumé.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_training(options["path"], fmt=options["format"])
        except TrainingFormatError as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"fichier introuvable : {exc.filename}") from exc
        counts = result.counts
        if options["json"]:
            self.stdout.write(
                json.dumps({"import_run_id": result.run_id, "counts": counts}, ensure_ascii=False)
            )
            return
        self.stdout.write(
            f"Formations créées : {counts['created']}, mises à jour : {counts['updated']}, "
            f"inchangées : {counts['unchanged']}, rejetées : {counts['rejected']}"
        )
        self.stdout.write(
            f"Sessions créées : {counts['sessions_created']}, mises à jour : {counts['sessions_updated']}, "
            f"inchangées : {counts['sessions_unchanged']}, rejetées : {counts['sessions_rejected']}"
        )
        for rejection in result.rejections[:50]:
            self.stdout.write(f"  {rejection.where} — {rejection.field} : {rejection.message}")
        self.stdout.write(f"Rapport : import n° {result.run_id}")
