"""`filiere meetings schedule INSTANCE.json [--json]`: the B2B scheduler on any instance.

Reads `{"slots": S, "tables": T, "participants": [{"id", "unavailable_slots"}], "requests":
[{"id", "participants": [id1, id2]}]}` and prints `{"meetings": [{"request", "slot", "table"}],
"unscheduled": [...], "upper_bound": N, "seconds": x}` (docs/meetings.md). A bad instance is a
clear error naming the field, and nothing is printed on standard output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.meetings import scheduler


class Command(BaseCommand):
    help = (
        "B2B meetings: `schedule INSTANCE.json` places the accepted requests into slots × tables and "
        "says how far it is from an upper bound computed in the same run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["schedule"])
        parser.add_argument("instance", help="the instance, a JSON file (- for standard input)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help="seconds at most for the search (default 10)"
        )
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["instance"]
        try:
            text = Path(source).read_text(encoding="utf-8") if source != "-" else sys.stdin.read()
        except OSError as error:
            raise CommandError(f"{source} : lecture impossible ({error.strerror}).") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{source} : JSON invalide ligne {error.lineno}, colonne {error.colno} ({error.msg})."
            ) from error
        try:
            instance = scheduler.parse_instance(data)
        except scheduler.InstanceError as error:
            raise CommandError(f"{source} : {error}") from error
        result = scheduler.schedule(instance, time_limit=options["time_limit"], seed=options["seed"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        placed = len(result.meetings)
        optimum = "optimum" if result.bound_is_optimum else "borne supérieure"
        self.stdout.write(
            f"{placed} rendez-vous placés sur {len(instance.requests)} demandes ; {optimum} {result.upper_bound} ; "
            f"{len(result.unscheduled)} non placés ; {result.stats['participants_with_none']} participant(s) "
            f"sans rendez-vous ; {result.seconds:.2f} s"
        )
