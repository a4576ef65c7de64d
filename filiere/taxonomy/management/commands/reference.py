"""``filiere reference load|status|download``: the reference data (territories, NAF, ROME, ESCO)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.imports import ImportReport
from filiere.core.loading import ReferenceDataset
from filiere.core.models import ImportRun
from filiere.core.registry import registered
from filiere.taxonomy.download import AFTER, ESCO_PORTAL, MANIFEST, DownloadError, fetch
from filiere.taxonomy.importers import naf_source, rome_versions

# Every app's reference datasets (`AppConfig.reference_datasets`), in INSTALLED_APPS order:
# territories, then NAF, ROME and ESCO.
_REGISTERED: list[ReferenceDataset] = [
    d for _, datasets in registered("reference_datasets") for d in datasets
]
DATASETS: dict[str, Callable[..., ImportReport]] = {d.name: d.load for d in _REGISTERED}
TABLES: dict[str, list[type[models.Model]]] = {d.name: d.tables for d in _REGISTERED}


REFERENCE_KIND_PREFIX = "reference:"


def reference_kind(dataset: str) -> str:
    """The `ImportRun.kind` of a reference dataset's loads."""
    return REFERENCE_KIND_PREFIX + dataset


def _datasets(value: str | None) -> list[str]:
    if not value:
        return list(DATASETS)
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise CommandError(
            _("Jeu(x) de données inconnu(s) : %(unknown)s (au choix : %(known)s).")
            % {"unknown": ", ".join(unknown), "known": ", ".join(DATASETS)}
        )
    return names


def record_load(dataset: str, counts: ImportReport) -> ImportRun:
    """Record a load of ``dataset`` as a finished `core.ImportRun` (kind "reference:<dataset>")."""
    return ImportRun.objects.create(
        kind=reference_kind(dataset),
        files=[str(settings.FILIERE_DATA_DIR)],
        status=ImportRun.Status.DONE,
        finished_at=timezone.now(),
        counts=dict(counts.counts),
        options={"dataset": dataset, "tables": counts.tables, "data_dir": str(settings.FILIERE_DATA_DIR)},
    )


def _sources() -> dict[str, str]:
    """What the loaders would read in the data directory now: NAF CSV or XLS, ROME version."""
    if not Path(settings.FILIERE_DATA_DIR).is_dir():
        return {}
    versions = rome_versions()
    return {"naf": naf_source(), "rome": f"v{versions[0]}" if versions else ""}


def status() -> dict[str, Any]:
    """Row counts and last load, per dataset, and which files the loaders would read now."""
    loads: dict[str, ImportRun] = {}
    for run in ImportRun.objects.filter(
        kind__startswith=REFERENCE_KIND_PREFIX, status=ImportRun.Status.DONE
    ).order_by("-finished_at"):
        loads.setdefault(run.kind.removeprefix(REFERENCE_KIND_PREFIX), run)
    result: dict[str, Any] = {"data_dir": str(settings.FILIERE_DATA_DIR), "datasets": {}}
    sources = _sources()
    for name, tables in TABLES.items():
        load = loads.get(name)
        result["datasets"][name] = {
            "rows": {m._meta.model_name: m._default_manager.count() for m in tables},
            "loaded_at": load.finished_at.isoformat() if load and load.finished_at else None,
            "last_counts": (
                {key: load.counts.get(key, 0) for key in ("created", "updated", "unchanged")}
                if load
                else None
            ),
        }
        if name in sources:
            result["datasets"][name]["source"] = sources[name]
    return result


DOWNLOAD_HELP = """Télécharger les fichiers officiels et les préparer pour « load » :
territoires = paquet npm @etalab/decoupage-administratif 6.0.0 (registry.npmjs.org, COG 2026 :
package/data/*.json extraits dans cog/) + contours france-geojson (geo/) ; la table départements →
anciennes régions est écrite à partir du COG ; NAF = classeurs XLS de l'INSEE (naf/, lus tels quels ;
liste c1385 fournie par le code) ; ROME = RefRomeCsv.zip de France Travail (CSV extraits dans rome/) ;
ESCO = pas d'URL de fichier stable : miroir obligatoire (--base-url). Détail : docs/reference-data.md."""


class Command(BaseCommand):
    help = (
        "Référentiels (territoires, NAF, ROME, ESCO) : load | status | download. "
        "Sources officielles et conversions : docs/reference-data.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Charger les référentiels depuis FILIERE_DATA_DIR.")
        load.add_argument("--only", help=f"Jeux à charger, séparés par des virgules ({','.join(DATASETS)}).")
        st = sub.add_parser("status", help="État des référentiels chargés.")
        st.add_argument("--json", action="store_true", help="Sortie JSON.")
        dl = sub.add_parser("download", help=DOWNLOAD_HELP, description=DOWNLOAD_HELP)
        dl.add_argument(
            "--dest", required=True, help="Répertoire de destination (à mettre dans FILIERE_DATA_DIR)."
        )
        dl.add_argument(
            "--base-url",
            help="Miroir à utiliser à la place des URL officielles : <base-url>/<chemin du manifeste> "
            "(ex. <base-url>/rome/RefRomeCsv.zip, <base-url>/esco/skills_fr_v1.2.0_merged.csv.gz).",
        )
        dl.add_argument("--only", help="Jeux à télécharger, séparés par des virgules.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self.load(_datasets(options.get("only")))
        elif action == "status":
            self.show_status(as_json=options["json"])
        else:
            self.download(Path(options["dest"]), options.get("base_url"), _datasets(options.get("only")))

    def load(self, names: list[str]) -> None:
        progress = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        lines = []
        for name in names:
            started = time.monotonic()
            counts = DATASETS[name](progress=progress)
            record_load(name, counts)
            elapsed = time.monotonic() - started
            lines.append((name, counts, elapsed))
            if progress:
                self.stdout.write(_("%(name)s : %(seconds).1f s") % {"name": name, "seconds": elapsed})
        header = f"{_('jeu de données'):<30}{_('créés'):>10}{_('mis à jour'):>12}{_('inchangés'):>11}{_('secondes'):>10}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, counts, elapsed in lines:
            for table, c in counts.tables.items():
                self.stdout.write(
                    f"{name + '.' + table:<30}{c['created']:>10}{c['updated']:>12}{c['unchanged']:>11}{'':>10}"
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name:<30}{counts.created:>10}{counts.updated:>12}{counts.unchanged:>11}{elapsed:>10.1f}"
                )
            )

    def show_status(self, *, as_json: bool) -> None:
        data = status()
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"FILIERE_DATA_DIR = {data['data_dir']}")
        for name, info in data["datasets"].items():
            rows = ", ".join(f"{k}={v}" for k, v in info["rows"].items())
            source = f" [{info['source']}]" if info.get("source") else ""
            self.stdout.write(f"{name:<12}{source:<8} {info['loaded_at'] or _('jamais chargé'):<34} {rows}")

    def download(self, dest: Path, base_url: str | None, names: list[str]) -> None:
        failures = []
        for name in names:
            remotes = MANIFEST[name]
            if not base_url and all(r.mirror_only for r in remotes):
                message = _(
                    "%(name)s : le portail officiel (%(url)s) ne publie pas de fichier à URL stable ; "
                    "téléchargez-le à la main ou indiquez un miroir avec --base-url."
                ) % {"name": name, "url": ESCO_PORTAL}
                failures.append(message)
                self.stderr.write(self.style.ERROR(_("ÉCHEC %(error)s") % {"error": message}))
                continue
            ok = True
            for remote in remotes:
                try:
                    targets = fetch(remote, dest, base_url=base_url)
                except DownloadError as exc:
                    ok = False
                    failures.append(str(exc))
                    self.stderr.write(self.style.ERROR(_("ÉCHEC %(error)s") % {"error": exc}))
                else:
                    for target in targets:
                        self.stdout.write(f"OK {target}")
            if ok and name in AFTER:
                try:
                    self.stdout.write(f"OK {AFTER[name](dest)}")
                except DownloadError as exc:
                    failures.append(str(exc))
                    self.stderr.write(self.style.ERROR(_("ÉCHEC %(error)s") % {"error": exc}))
        if failures:
            raise CommandError(
                _("%(count)d téléchargement(s) en échec : %(errors)s")
                % {"count": len(failures), "errors": "; ".join(failures)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Terminé. Pour charger : FILIERE_DATA_DIR=%(dest)s filiere reference load") % {"dest": dest}
            )
        )
