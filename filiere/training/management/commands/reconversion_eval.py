"""`filiere reconversion_eval [--set FILE] [--k 5] [--details] [--json]`: credibility of the
reconversion targets on the adviser's set (docs/training.md, "Évaluation")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.training.evaluation import EVAL_SET, EvalSetError, run_reconversion_eval


class Command(BaseCommand):
    help = (
        "Précision des premières cibles de reconversion sur le jeu d'évaluation "
        "(métiers menacés de l'aéronautique en Occitanie, cibles acceptées par un conseiller)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", default=str(EVAL_SET), help="Fichier CSV du jeu d'évaluation.")
        parser.add_argument("--k", type=int, default=5, help="Nombre de cibles évaluées (5).")
        parser.add_argument("--details", action="store_true", help="Cibles de chaque métier source.")
        parser.add_argument("--json", action="store_true", help="Sortie JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 1:
            raise CommandError("--k doit être au moins 1.")
        try:
            report = run_reconversion_eval(path=Path(options["set"]), k=options["k"])
        except (EvalSetError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        k = report["k"]
        self.stdout.write(f"{report['set']}: {report['sources']} sources, k = {k}")
        self.stdout.write(
            f"{'variant':<18} {'split':<9} {'sources':>7} {f'P@{k}':>6} {f'R@{k}':>6} {'MRR':>6}"
        )
        for name, variant in report["variants"].items():
            for split, row in variant["summary"].items():
                self.stdout.write(
                    f"{name:<18} {split:<9} {row['sources']:>7} {row['precision']:>6.3f} "
                    f"{row['recall']:>6.3f} {row['mrr']:>6.3f}"
                )
        if options["details"]:
            for name, variant in report["variants"].items():
                self.stdout.write(f"\n{name}")
                for row in variant["per_source"]:
                    marks = " ".join(
                        f"{c}{'+' if hit else '-'}" for c, hit in zip(row["top"], row["hits"], strict=True)
                    )
                    self.stdout.write(f"  {row['source']} [{row['split']}] {marks}")
