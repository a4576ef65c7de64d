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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from filiere.core.imports import ImportReport

# Rows per INSERT or UPDATE round (the progress bar moves between them).
BATCH_SIZE = 10_000


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


#: A data file as it is now: (relative name, path, size, modification time). What is read from
#: it may be kept under this key: a changed or replaced file gets a new key, hence a new reading.
FileKey = tuple[str, str, int, int]


def file_key(relative: str) -> FileKey:
    path = data_file(relative)
    stat = path.stat()
    return relative, str(path), stat.st_size, stat.st_mtime_ns


# Two lifetimes for what is kept under a `FileKey`: the small reference files (JSON, some MB)
# for the process (`read_json_kept`), the large CSV files (ROME/ESCO, 200 MB of rows) only inside
# a `csv_rows_kept()` block.


def read_json_kept(relative: str) -> Any:
    """`read_json`, kept for the process while the file is unchanged (`file_key`): a test session
    loads the territories several times (half a second of JSON parsing each). Callers must not
    modify what it returns."""
    return parsed_json(file_key(relative))


@lru_cache(maxsize=16)
def parsed_json(key: FileKey) -> Any:
    """The JSON file `key` names, parsed (kept: see `read_json_kept`)."""
    return read_json(key[0])


# Rows of the CSV files read inside `csv_rows_kept()`, by `file_key`.
_kept_csv_rows: dict[FileKey, list[dict[str, str]]] | None = None


@contextmanager
def csv_rows_kept() -> Iterator[None]:
    """Inside this block, `read_csv` parses each file once and gives the same rows again while
    the file is unchanged (same path, size and modification time); they are let go at its end.
    For code that loads the same files twice (a test proving a second load writes nothing):
    the ROME/ESCO rows weigh about 200 MB, too much to keep for a whole process. The rows are
    shared: callers must not modify them."""
    global _kept_csv_rows
    previous, _kept_csv_rows = _kept_csv_rows, {}
    try:
        yield
    finally:
        _kept_csv_rows = previous


def read_csv(relative: str) -> Iterator[dict[str, str]]:
    """Rows of a CSV data file as dicts."""
    if _kept_csv_rows is None:
        yield from _parse_csv(data_file(relative))
        return
    key = file_key(relative)
    if key not in _kept_csv_rows:
        _kept_csv_rows[key] = list(_parse_csv(Path(key[1])))
    yield from _kept_csv_rows[key]


def _parse_csv(path: Path) -> Iterator[dict[str, str]]:
    reader = csv.reader(io.StringIO(read_text(path)))
    try:
        # csv.DictReader's rows, built without its per-row Python method (a third of the reading
        # time of ESCO's 129,000 relations): blank lines skipped, a short row's missing columns
        # None, a long row's extra cells in a list under the key None.
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        for values in reader:
            if len(values) == width:
                yield dict(zip(header, values, strict=True))
            elif values:
                row: dict[Any, Any] = dict(zip(header, values, strict=False))
                if len(values) < width:
                    row.update(dict.fromkeys(header[len(values) :]))
                else:
                    row[None] = values[width:]
                yield row
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

    The stored rows are read once (one query, tuples) and compared with the incoming ones as
    tuples; new rows go in through `insert_rows`, changed ones through one UPDATE per set of
    changed columns, sent with ``executemany``.
    """
    rows = list(rows)
    counts = ImportReport()
    if not rows:
        return counts
    pk_name = model._meta.pk.attname
    key_fields = tuple(pk_name if k == "pk" else k for k in key)
    fields = only_fields or [f for f in rows[0] if f not in key_fields and f != pk_name]
    select = list(dict.fromkeys((pk_name, *key_fields, *fields)))
    stored_key = itemgetter(*(select.index(k) for k in key_fields))
    stored_values = itemgetter(*(select.index(f) for f in fields)) if fields else None
    row_key = itemgetter(*key_fields)
    row_values = itemgetter(*fields) if fields else None
    existing = {stored_key(rec): rec for rec in model._default_manager.values_list(*select)}
    to_create: list[dict[str, Any]] = []
    # Grouped by the set of changed fields: each UPDATE writes only those columns.
    to_update: dict[tuple[str, ...], list[tuple[Any, dict[str, Any]]]] = {}
    seen: set[Any] = set()
    for row in rows:
        ident = row_key(row)
        if ident in seen:  # duplicate in the source: first one wins
            continue
        seen.add(ident)
        current = existing.get(ident)
        if current is None:
            to_create.append(row)
        elif row_values is None or stored_values(current) == row_values(row):  # type: ignore[misc]
            counts.unchanged += 1
        else:
            stored = dict(zip(select, current, strict=True))
            changed = tuple(f for f in fields if stored[f] != row[f])
            to_update.setdefault(changed, []).append((current[0], row))
    label = model._meta.verbose_name_plural
    n_updates = sum(len(pairs) for pairs in to_update.values())
    with tqdm(total=len(to_create) + n_updates, desc=str(label), disable=not progress, leave=False) as bar:
        for start in range(0, len(to_create), BATCH_SIZE):
            bar.update(insert_rows(model, to_create[start : start + BATCH_SIZE]))
        for changed, pairs in to_update.items():
            for start in range(0, len(pairs), BATCH_SIZE):
                bar.update(_update_rows(model, changed, pairs[start : start + BATCH_SIZE]))
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
    new = [{left: a, right: b} for a, b in wanted if (a, b) not in existing]
    insert_rows(through, new)
    counts = ImportReport()
    counts.created, counts.unchanged = len(new), len(wanted) - len(new)
    return counts


def _simple_types(field: models.Field) -> tuple[type, ...] | None:
    """The Python types a value of `field` is stored as, unchanged, by every backend (None: the
    field's own adaptation is needed). A ForeignKey counts as the field it points to."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = target.get_internal_type()
    if kind in _TEXT_FIELDS:
        return (str, type(None))
    if kind in _INTEGER_FIELDS:
        return (int, type(None))
    if kind == "BooleanField":
        return (bool, type(None))
    return None


_TEXT_FIELDS = frozenset({"CharField", "TextField", "SlugField"})
_INTEGER_FIELDS = frozenset(
    {
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)


def _column_values(field: models.Field, values: list[Any]) -> list[Any]:
    """`values` of `field` as the ORM sends them (`get_db_prep_save`), skipping the call for the
    values its type stores as they are (a str for a CharField …): most of a reference table."""
    simple = _simple_types(field)
    prep = field.get_db_prep_save
    if simple is None:
        return [prep(v, connection) for v in values]
    return [v if v.__class__ in simple else prep(v, connection) for v in values]


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts of attnames) into ``model``'s table as ``bulk_create`` would store
    them, without building model instances: each column is adapted by its field
    (``get_db_prep_save``), a column a row does not give gets the field's default, an automatic
    primary key is left to the database. No ``save()``, no signals (as ``bulk_create``).

    SQLite: one ``executemany`` of a one-row INSERT (the driver loops in C); PostgreSQL: ``COPY``.
    ``bulk_create`` spent most of its time in model ``__init__`` and per-value SQL compilation
    (37,590 communes: 3 s → 1 s). Rows are inserted in their order. Returns how many.
    """
    start = 0
    while start < len(rows):  # runs of rows giving the same columns
        given = rows[start].keys()
        end = start + 1
        while end < len(rows) and rows[end].keys() == given:
            end += 1
        _insert_run(model, rows[start:end] if start or end < len(rows) else rows, given)
        start = end
    return len(rows)


def _insert_run(model: type[models.Model], rows: list[dict[str, Any]], given: Any) -> None:
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField) and f.attname not in given)
        and not f.generated
    ]
    columns: list[list[Any]] = []
    values: list[Any]
    for field in fields:
        if field.attname in given:
            values = [row[field.attname] for row in rows]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values = [timezone.now()] * len(rows)
        elif callable(field.default):
            values = [field.get_default() for _ in rows]
        else:
            values = [field.get_default()] * len(rows)
        columns.append(_column_values(field, values))
    params = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        write_rows(cursor, quote(meta.db_table), [quote(f.column) for f in fields], params)


def write_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows of plain values straight into `table` (names used as given: quote them where needed):
    `COPY … FROM STDIN` on PostgreSQL, one `executemany` INSERT elsewhere. For reference loaders
    (`insert_rows`) and benchmark generators; no model, no signal, no validation."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for record in rows:
                copy.write_row(record)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _update_rows(
    model: type[models.Model], changed: tuple[str, ...], rows: list[tuple[Any, dict[str, Any]]]
) -> int:
    """UPDATE the ``changed`` columns of (pk, row) pairs, one ``executemany``; returns how many."""
    meta = model._meta
    quote = connection.ops.quote_name
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in changed]
    columns = [_column_values(f, [row[f.attname] for _, row in rows]) for f in fields]
    keys = _column_values(meta.pk, [pk for pk, _ in rows])
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*columns, keys, strict=True)))
    return len(rows)


def flag(value: str) -> bool:
    """ROME's yes/no columns ("O"/"N", "Oui", "1") as a boolean."""
    return value.strip().upper() in {"O", "OUI", "Y", "YES", "1", "TRUE"}


def split_labels(value: str, sep: str = "|") -> list[str]:
    """A multi-valued cell as a list of stripped, non-empty labels (order kept, duplicates dropped)."""
    return list(dict.fromkeys(part.strip() for part in value.split(sep) if part.strip()))
