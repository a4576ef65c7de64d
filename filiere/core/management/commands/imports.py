"""`filiere imports list|cleanup`: the data imports (core.ImportRun) and their state.

`list` shows the latest runs (done, failed, interrupted or running, with the process running
it); `cleanup` marks interrupted the runs still "running" whose process is gone or silent (an
import killed outright cannot mark itself; the next import also does this when it starts).
An interrupted import is finished by running it again: the importers are idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from filiere.core.models import ImportRun

COUNT_KEYS = ("created", "updated", "unchanged", "rejected")


class Command(BaseCommand):
    help = "Imports de données : `imports list` (derniers imports et leur état), `imports cleanup` (imports abandonnés)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "cleanup"])
        parser.add_argument("--limit", type=int, default=20, help="list : nombre d'imports affichés (20).")
        parser.add_argument(
            "--json", action="store_true", help="list : un objet JSON par import, une ligne chacun."
        )
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=int(ImportRun.STALE_AFTER.total_seconds() // 60),
            help="cleanup : un import sans signe de vie depuis ce nombre de minutes est interrompu (15).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "cleanup":
            marked = ImportRun.objects.mark_abandoned(
                stale_after=dt.timedelta(minutes=options["stale_minutes"])
            )
            self.stdout.write(f"{marked} import(s) abandonné(s) marqué(s) « interrompu ».")
            return
        runs = list(ImportRun.objects.order_by("-started_at", "-pk")[: options["limit"]])
        if options["json"]:
            for run in runs:
                self.stdout.write(json.dumps(_as_dict(run), ensure_ascii=False))
            return
        self.stdout.write(
            f"{'#':>6}  {'type':<22} {'état':<11} {'début':<16} {'fin':<16} "
            + " ".join(f"{key:>9}" for key in COUNT_KEYS)
            + "  processus"
        )
        for run in runs:
            started = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")
            finished = (
                timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else ""
            )
            cells = " ".join(f"{run.counts.get(key, 0):>9}" for key in COUNT_KEYS)
            line = (
                f"{run.pk:>6}  {run.kind:<22} {run.get_status_display():<11} {started:<16} {finished:<16} "
                f"{cells}  {run.host}:{run.pid or ''}"
            )
            style = {
                ImportRun.Status.INTERRUPTED: self.style.WARNING,
                ImportRun.Status.FAILED: self.style.ERROR,
            }.get(run.status)
            self.stdout.write(style(line) if style else line)
            if run.error and run.status != ImportRun.Status.DONE:
                self.stdout.write(f"        {run.error.splitlines()[0][:200]}")


def _as_dict(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "files": run.files,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
        "host": run.host,
        "pid": run.pid,
        "counts": run.counts,
        "error": run.error,
    }
