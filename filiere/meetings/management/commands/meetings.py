"""`filiere meetings schedule INSTANCE.json [--json]`: the B2B scheduler on any instance;
`filiere meetings import FILE --programme N`: a programme's participants' file (importers).

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

from filiere.meetings import importers, scheduler
from filiere.meetings.models import Programme


class Command(BaseCommand):
    help = (
        "B2B meetings: `schedule INSTANCE.json` places the accepted requests into slots × tables and "
        "says how far it is from an upper bound computed in the same run; `import FILE --programme N` "
        "reads a participants' file (CSV or XLSX) into a programme."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["schedule", "import"])
        parser.add_argument(
            "instance", help="schedule: the instance, a JSON file (- for standard input); import: the file"
        )
        parser.add_argument("--programme", type=int, help="import: the B2B programme's id")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help="seconds at most for the search (default 10)"
        )
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.import_file(Path(options["instance"]), options["programme"])
            return
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

    def import_file(self, path: Path, programme_id: int | None) -> None:
        """Same importer as the page (by nobody: the operator); rejected lines on standard error,
        exit code 1 when there are any (the valid lines are written all the same)."""
        programme = Programme.objects.filter(pk=programme_id or 0).first()
        if programme is None:
            raise CommandError("--programme : programme de rendez-vous inconnu.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} : lecture impossible ({error.strerror}).") from error
        report = importers.import_participants(
            programme=programme, by=None, filename=path.name, data=data, queue_registrations=False
        )
        counts = report.counts
        self.stdout.write(
            f"{counts['created']} ajoutées, {counts['updated']} mises à jour, {counts['unchanged']} inchangées, "
            f"{counts['rejected']} rejetées (import n° {report.run_id})."
        )
        for item in [*report.rejections, *report.warnings]:
            where = f" ({item.where})" if item.where else ""
            self.stderr.write(f"ligne {item.line or '—'}{where}, {item.field} : {item.message}")
        if any(counts.get(f"participants_{what}") for what in importers.WRITTEN):
            # A command is not a request: the registrations the page leaves to a task are made here.
            registrations = importers.register_after_import(programme, report.run_id).counts
            self.stdout.write(
                f"Inscriptions à l'événement : {registrations['created']} ajoutées, "
                f"{registrations['waitlisted']} en liste d'attente, {registrations['unchanged']} déjà inscrites, "
                f"{registrations['not_registered']} non inscrites."
            )
            for note in (importers.registrations_of(programme) or {}).get("notes", []):
                self.stderr.write(note)
        if report.rejected:
            raise CommandError(f"{report.rejected} ligne(s) rejetée(s).")
