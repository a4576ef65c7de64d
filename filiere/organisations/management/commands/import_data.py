"""`filiere import sirene FILE...`: import SIRENE stock files into the directory."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.organisations.importers import DIGITAL, SireneFormatError, import_sirene


class Command(BaseCommand):
    help = "Importe des données de référence dans l'annuaire : `import sirene FICHIER...` (stock SIRENE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=["sirene"], help="Type de données à importer.")
        parser.add_argument(
            "paths", nargs="+", help="Fichiers StockEtablissement / StockUniteLegale (CSV ou ZIP)."
        )
        parser.add_argument(
            "--naf",
            default=DIGITAL,
            help="Codes NAF gardés : digital (secteur numérique, défaut), all, ou une liste 62.01Z,62.02A.",
        )
        parser.add_argument("--region", action="append", help="Code région (répétable), ex. 27.")
        parser.add_argument("--department", action="append", help="Code département (répétable), ex. 21.")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--json", action="store_true", help="Affiche un objet JSON au lieu du tableau.")
        parser.add_argument("--report", help="Fichier CSV où écrire toutes les lignes rejetées.")

    def handle(self, *args: Any, **options: Any) -> None:
        naf = options["naf"]
        naf_codes = None if naf == "all" else naf
        try:
            results = import_sirene(
                options["paths"],
                naf_codes=naf_codes,
                regions=options["region"],
                departments=options["department"],
                progress=not options["json"] and sys.stderr.isatty(),
                batch_size=options["batch_size"],
                report_path=options["report"],
            )
        except SireneFormatError as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"fichier introuvable : {exc.filename}") from exc
        totals: dict[str, int] = {}
        for result in results:
            for key, value in result.counts.items():
                totals[key] = totals.get(key, 0) + value
        if options["json"]:
            payload = {
                "import_run_ids": [r.run_id for r in results],
                "import_run_id": results[-1].run_id if results else None,
                "counts": totals,
                "rejected": totals.get("rejected", 0),
                "runs": [r.as_dict() for r in results],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        keys = ["read", "kept", "filtered", "created", "updated", "unchanged", "rejected"]
        width = max(len(r.path) for r in results) if results else 10
        self.stdout.write(f"{'fichier':<{width}}  " + "  ".join(f"{k:>9}" for k in keys) + "      s")
        for r in results:
            cells = "  ".join(f"{r.counts.get(k, 0):>9}" for k in keys)
            self.stdout.write(f"{r.path:<{width}}  {cells}  {r.seconds:6.1f}")
        for r in results:
            if r.counts.get("rejected"):
                self.stdout.write(
                    self.style.WARNING(
                        f"{r.counts['rejected']} ligne(s) rejetée(s) dans {r.path} (import #{r.run_id})"
                    )
                )
                for rejection in r.rejections[:5]:
                    self.stdout.write(f"  ligne {rejection.line} : {rejection.message}")
        self.stdout.write(
            self.style.SUCCESS("Import terminé : " + ", ".join(f"import #{r.run_id}" for r in results))
        )
