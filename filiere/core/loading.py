"""Shared machinery for reference-data importers: locating files, reading them, idempotent upserts.

Used by the territories and taxonomy importers and the matching dev sets: it lives in core
because several apps read reference files, and core depends on none of them. Upserts compare
each incoming row with what is stored and write only the differences, in batches, so a second
load writes nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import models
from django.utils.translation import gettext as _
from tqdm import tqdm

from filiere.core.imports import ImportReport

BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 200


@dataclass(frozen=True)
class ReferenceDataset:
    """A reference dataset an app loads with `filiere reference load`: its name, the loader (it
    takes `progress=` and returns a `core.imports.ImportReport`) and the tables it fills (`filiere reference status`).
    Apps register a list of them as `AppConfig.reference_datasets`."""

    name: str
    load: Callable[..., ImportReport]
    tables: list[type[models.Model]]


def data_dir() -> Path:
    """The reference data directory (``settings.FILIERE_DATA_DIR``), checked to exist."""
    path = Path(settings.FILIERE_DATA_DIR)
    if not path.is_dir():
        raise CommandError(
            _(
                "Répertoire des référentiels introuvable : %(path)s (réglage FILIERE_DATA_DIR ; "
                "voir aussi « filiere reference download --dest DIR »)."
            )
            % {"path": path}
        )
    return path


def data_file(relative: str) -> Path:
    """Resolve a data file, accepting the plain name or its ``.gz`` twin; a clear error otherwise."""
    base = data_dir()
    for candidate in (base / relative, base / f"{relative}.gz"):
        if candidate.is_file():
            return candidate
    raise CommandError(
        _("Fichier de référentiel introuvable : %(path)s[.gz] (FILIERE_DATA_DIR=%(base)s).")
        % {"path": base / relative, "base": base}
    )


def read_text(path: Path) -> str:
    """Whole file as text, gunzipped if needed; falls back to cp1252 (some ROME files are not UTF-8)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_csv(relative: str) -> Iterator[dict[str, str]]:
    """Rows of a CSV data file as dicts."""
    path = data_file(relative)
    reader = csv.DictReader(io.StringIO(read_text(path)))
    try:
        yield from reader
    except csv.Error as exc:
        raise CommandError(
            _("CSV invalide dans %(path)s : %(error)s") % {"path": path, "error": exc}
        ) from exc


def read_json(relative: str) -> Any:
    """A JSON data file, parsed."""
    path = data_file(relative)
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("JSON invalide dans %(path)s : %(error)s") % {"path": path, "error": exc}
        ) from exc


def upsert(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    key: tuple[str, ...] = ("pk",),
    progress: bool = False,
    only_fields: list[str] | None = None,
) -> ImportReport:
    """Create or update ``model`` rows keyed on ``key`` (attnames), writing only what changed.

    Each row is a dict of attnames (``parent_id``, not ``parent``). Rows already stored with
    identical values are counted unchanged and not written. Rows in the database but absent from
    ``rows`` are left alone: reference codes are retired by their publisher, never reused.
    """
    rows = list(rows)
    counts = ImportReport()
    if not rows:
        return counts
    pk_name = model._meta.pk.attname
    key_fields = tuple(pk_name if k == "pk" else k for k in key)
    fields = only_fields or [f for f in rows[0] if f not in key_fields and f != pk_name]
    existing: dict[tuple, dict[str, Any]] = {
        tuple(rec[k] for k in key_fields): rec
        for rec in model._default_manager.values(pk_name, *key_fields, *fields)
    }
    to_create: list[models.Model] = []
    # Grouped by the set of changed fields: bulk_update then writes only those columns, which
    # keeps its CASE WHEN statements small (a one-column change on 15,000 communes takes ~1 s).
    to_update: dict[tuple[str, ...], list[models.Model]] = {}
    seen: set[tuple] = set()
    for row in rows:
        ident = tuple(row[k] for k in key_fields)
        if ident in seen:  # duplicate in the source: first one wins
            continue
        seen.add(ident)
        current = existing.get(ident)
        if current is None:
            to_create.append(model(**row))
        elif changed := tuple(f for f in fields if current[f] != row[f]):
            obj = model(**row)
            setattr(obj, pk_name, current[pk_name])
            to_update.setdefault(changed, []).append(obj)
        else:
            counts.unchanged += 1
    label = model._meta.verbose_name_plural
    n_updates = sum(len(objs) for objs in to_update.values())
    with tqdm(total=len(to_create) + n_updates, desc=str(label), disable=not progress, leave=False) as bar:
        for start in range(0, len(to_create), BATCH_SIZE):
            batch = to_create[start : start + BATCH_SIZE]
            model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
            bar.update(len(batch))
        for changed, objs in to_update.items():
            for start in range(0, len(objs), UPDATE_BATCH_SIZE):
                batch = objs[start : start + UPDATE_BATCH_SIZE]
                model._default_manager.bulk_update(batch, list(changed), batch_size=UPDATE_BATCH_SIZE)
                bar.update(len(batch))
    counts.created, counts.updated = len(to_create), n_updates
    return counts


def upsert_m2m(
    through: type[models.Model],
    pairs: Iterable[tuple[Any, Any]],
    *,
    left: str,
    right: str,
    progress: bool = False,
) -> ImportReport:
    """Add missing rows of an auto-created many-to-many table; existing pairs count as unchanged."""
    existing = set(through._default_manager.values_list(left, right))
    wanted = list(dict.fromkeys(pairs))
    new = [through(**{left: a, right: b}) for a, b in wanted if (a, b) not in existing]
    for start in range(0, len(new), BATCH_SIZE):
        through._default_manager.bulk_create(new[start : start + BATCH_SIZE])
    counts = ImportReport()
    counts.created, counts.unchanged = len(new), len(wanted) - len(new)
    return counts


def flag(value: str) -> bool:
    """ROME's yes/no columns ("O"/"N", "Oui", "1") as a boolean."""
    return value.strip().upper() in {"O", "OUI", "Y", "YES", "1", "TRUE"}


def split_labels(value: str, sep: str = "|") -> list[str]:
    """A multi-valued cell as a list of stripped, non-empty labels (order kept, duplicates dropped)."""
    return list(dict.fromkeys(part.strip() for part in value.split(sep) if part.strip()))
