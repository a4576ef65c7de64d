"""Import of the INSEE SIRENE stock files (StockEtablissement, StockUniteLegale) into the directory.

The full stock holds ~40 M establishments, so the importer streams: it reads line by line, drops
lines whose NAF code is not wanted with a cheap string test before any CSV parsing, parses the
kept lines with `csv`, and writes in batches (one transaction each) with one query to fetch the
known records of a batch. Each record keeps the hash of its raw line: a rerun skips unchanged
records without comparing fields, and a rerun after an interruption simply finishes the job.

Establishments upsert on SIRET, legal units on SIREN. Fields a person edited on the platform
(`edited_fields`) are never overwritten.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import json
import queue
import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring_ascii as _quote_json
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Literal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from filiere.core.imports import ImportReport, Rejection
from filiere.core.models import ImportRun
from filiere.organisations.models import Establishment, Kind, Organisation, Source, State
from filiere.organisations.search import search_text_for

# The default NAF filter: the 25 sous-classes of the INSEE digital sector (definition c1385).
DIGITAL: Literal["digital"] = "digital"
NON_DIFFUSIBLE_NAME = "Non diffusible"
ND = "[ND]"
DEFAULT_BATCH_SIZE = 2000
PROGRESS_EVERY_LINES = 1 << 16

EtabKind = Literal["etablissement", "unite_legale"]

# Exact INSEE headers (2024 StockEtablissement, 2022 StockUniteLegale). INSEE appends columns over
# time (NAF 2025, société à mission): a header must contain all of these, extra columns are kept
# in `raw`, and every column is read by its index in the header, never by position.
ETABLISSEMENT_COLUMNS = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
    "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,"
    "dateDernierTraitementEtablissement,etablissementSiege,nombrePeriodesEtablissement,"
    "complementAdresseEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,"
    "codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,"
    "libellePaysEtrangerEtablissement,identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,complementAdresse2Etablissement,numeroVoie2Etablissement,"
    "indiceRepetition2Etablissement,typeVoie2Etablissement,libelleVoie2Etablissement,codePostal2Etablissement,"
    "libelleCommune2Etablissement,libelleCommuneEtranger2Etablissement,distributionSpeciale2Etablissement,"
    "codeCommune2Etablissement,codeCedex2Etablissement,libelleCedex2Etablissement,"
    "codePaysEtranger2Etablissement,libellePaysEtranger2Etablissement,dateDebut,"
    "etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,"
    "denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
).split(",")
UNITE_LEGALE_COLUMNS = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,sigleUniteLegale,"
    "sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,prenom4UniteLegale,"
    "prenomUsuelUniteLegale,pseudonymeUniteLegale,identifiantAssociationUniteLegale,"
    "trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,dateDernierTraitementUniteLegale,"
    "nombrePeriodesUniteLegale,categorieEntreprise,anneeCategorieEntreprise,dateDebut,"
    "etatAdministratifUniteLegale,nomUniteLegale,nomUsageUniteLegale,denominationUniteLegale,"
    "denominationUsuelle1UniteLegale,denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,nomenclatureActivitePrincipaleUniteLegale,"
    "nicSiegeUniteLegale,economieSocialeSolidaireUniteLegale,caractereEmployeurUniteLegale"
).split(",")
RUN_KINDS: dict[str, str] = {"etablissement": "sirene_etablissement", "unite_legale": "sirene_unite_legale"}

# Fields the importer writes on an existing record (everything it owns except the key).
ETAB_UPDATE_FIELDS = [
    "is_head_office", "name", "sign", "address", "postcode", "city", "commune_id", "commune_code",
    "department_code", "region_code", "kind", "naf_code", "naf_nomenclature", "is_digital",
    "headcount_band", "headcount_year", "is_employer", "creation_date", "state", "closure_date",
    "is_diffusible", "search_text", "source", "raw", "source_hash", "updated_at",
]  # fmt: skip
UL_UPDATE_FIELDS = [
    "name", "acronym", "legal_category", "company_category", "naf_code", "headcount_band", "is_digital",
    "creation_date", "state", "closure_date", "is_diffusible", "is_ess", "kind", "source", "raw",
    "source_hash", "updated_at",
]  # fmt: skip


VACUUM_AFTER_ROWS = 10_000


class SireneFormatError(ValueError):
    """The file is not a SIRENE stock file (wrong header, not UTF-8, empty ZIP...)."""


class Rejected(ValueError):
    """A line refused by validation: the message is the reason shown in the report, `field` the
    column at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@functools.cache
def digital_naf_codes() -> frozenset[str]:
    """The 25 NAF rév. 2 sous-classes of the INSEE digital sector (c1385), from the reference CSV."""
    path = Path(settings.FILIERE_DATA_DIR) / "naf" / "secteur_numerique_tic_insee_c1385.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["sous_classe"].strip() for row in csv.DictReader(handle))


def resolve_naf_codes(naf_codes: Iterable[str] | str | None) -> frozenset[str] | None:
    """`"digital"` → the c1385 codes, `None` or `"all"` → no filter, else the given codes."""
    if naf_codes is None or naf_codes == "all":
        return None
    if naf_codes == DIGITAL:
        return digital_naf_codes()
    if isinstance(naf_codes, str):
        naf_codes = naf_codes.split(",")
    return frozenset(code.strip().upper() for code in naf_codes if code.strip())


def department_of(commune_code: str) -> str:
    """Department code of an INSEE commune code: 21231 → 21, 2A004 → 2A, 97411 → 974."""
    if not commune_code:
        return ""
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


@dataclass
class Territories:
    """What the importer needs from the COG: known communes and each department's region."""

    communes: dict[str, tuple[str, str]]  # commune code → (department, region)
    department_regions: dict[str, str]

    @classmethod
    def load(cls) -> Territories:
        """From the territories tables; the department → region map falls back to the COG file."""
        from filiere.territories.models import Commune, Department

        communes = {
            code: (dep, reg)
            for code, dep, reg in Commune.objects.values_list("code", "department_id", "region_id")
        }
        department_regions = dict(Department.objects.values_list("code", "region_id"))
        if not department_regions:
            path = Path(settings.FILIERE_DATA_DIR) / "cog" / "departements.json"
            if path.exists():
                department_regions = {d["code"]: d["region"] for d in json.loads(path.read_text("utf-8"))}
        return cls(communes, department_regions)

    def locate(self, commune_code: str) -> tuple[str | None, str, str]:
        """(commune id if known, department code, region code) for a commune code."""
        known = self.communes.get(commune_code)
        if known is not None:
            return commune_code, known[0], known[1]
        department = department_of(commune_code)
        region = self.department_regions.get(department)
        if region is None:
            return None, "", ""
        return None, department, region


@dataclass(kw_only=True)
class ImportResult(ImportReport):
    """What one file's import did (`core.imports.ImportReport`, with the counters read, kept,
    filtered and duplicates); `run` is the `ImportRun` recorded for it (None for a scan)."""

    kind: str
    path: str
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_run_id": self.run_id,
            "kind": self.kind,
            "file": self.path,
            "status": self.run.status if self.run else "scan",
            "counts": self.counts,
            "rejected": self.counts.get("rejected", 0),
            "seconds": round(self.seconds, 3),
        }


def _new_counts() -> dict[str, int]:
    return dict.fromkeys(
        ("read", "kept", "filtered", "created", "updated", "unchanged", "rejected", "duplicates"), 0
    )


# --- reading -------------------------------------------------------------------------------------


@contextmanager
def open_stock(path: str | Path) -> Iterator[tuple[IO[bytes], int]]:
    """Open a CSV, a .csv.gz or a ZIP holding one CSV: (binary stream, total bytes).

    Lines are scanned as bytes and only the kept ones are decoded: decoding every line of a
    40 M-line file costs more than the filter itself.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if not members:
                raise SireneFormatError(f"{path.name} : l'archive ZIP ne contient aucun fichier CSV")
            with archive.open(members[0]) as binary:
                yield binary, members[0].file_size
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as binary:
        yield binary, path.stat().st_size


def detect_kind(header: Sequence[str]) -> EtabKind:
    """Which stock file a header belongs to, or a `SireneFormatError` saying what was expected."""
    columns = set(header)
    if columns.issuperset(ETABLISSEMENT_COLUMNS):
        return "etablissement"
    if columns.issuperset(UNITE_LEGALE_COLUMNS):
        return "unite_legale"
    raise SireneFormatError(
        "ce fichier n'est pas un stock SIRENE : colonnes attendues "
        f"{', '.join(ETABLISSEMENT_COLUMNS[:6])}, … (StockEtablissement, {len(ETABLISSEMENT_COLUMNS)} colonnes) "
        f"ou {', '.join(UNITE_LEGALE_COLUMNS[:4])}, … (StockUniteLegale, {len(UNITE_LEGALE_COLUMNS)} colonnes) ; "
        f"colonnes trouvées : {', '.join(header[:8]) or '(aucune)'}{' …' if len(header) > 8 else ''}"
    )


def _read_header(binary: IO[bytes], path: Path) -> list[str]:
    try:
        first = binary.readline().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SireneFormatError(
            f"{path.name} : ce fichier n'est pas un stock SIRENE (encodage UTF-8 attendu)"
        ) from exc
    return [c.strip() for c in next(csv.reader([first]), [])]


def _records(
    binary: IO[bytes],
    *,
    naf_codes: frozenset[str] | None,
    known_sirens: frozenset[str] | set[str] | None,
    counts: dict[str, int],
    tick: Callable[[], None] | None,
) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, raw record as bytes) for the records that may be kept; count them all.

    A quoted field may hold a newline: while a record has an odd number of quotes the next line
    belongs to it. The NAF test looks for the nomenclature value (",NAFRev2"), whose value is
    preceded by the 6-character code: a `bytes.rfind` and a set lookup, no decoding or parsing,
    so the 97 % of lines we drop cost almost nothing. Lines kept by mistake are filtered again
    after parsing.
    """
    codes = frozenset(c.encode() for c in naf_codes) if naf_codes is not None else None
    known = {s.encode() for s in known_sirens} if known_sirens is not None else None
    line_no = 1  # the header
    continued = 0  # physical lines that continue a record (newlines inside quotes)
    last_tick = 0
    lines = iter(binary)

    def wanted(line: bytes) -> bool:
        if codes is not None:
            at = line.rfind(b",NAFRev2")
            if at >= 6 and line[at - 6 : at] in codes:
                return True
            return known is not None and line[:9] in known
        return known is None or line[:9] in known

    # The hot path (every line of a 40 M-line file): the common case is inlined, the count of
    # records read is derived from the line number, progress and counts move on kept lines only.
    for line in lines:
        line_no += 1
        if b'"' in line and line.count(b'"') % 2:
            start = line_no
            parts = [line]
            quotes = line.count(b'"')
            for more in lines:
                line_no += 1
                parts.append(more)
                quotes += more.count(b'"')
                if not quotes % 2:
                    break
            continued += line_no - start
            line = b"".join(parts)
            if wanted(line):
                counts["read"] = line_no - 1 - continued
                yield start, line
            continue
        if codes is not None:
            at = line.rfind(b",NAFRev2")
            if line[at - 6 : at] not in codes and (known is None or line[:9] not in known):
                continue
        elif known is not None and line[:9] not in known:
            continue
        counts["read"] = line_no - 1 - continued
        if tick is not None and line_no - last_tick > PROGRESS_EVERY_LINES:
            last_tick = line_no
            tick()
        yield line_no, line
    counts["read"] = line_no - 1 - continued


def _split(line: str) -> list[str]:
    if '"' not in line:
        return line.rstrip("\r\n").split(",")
    return next(csv.reader([line]), [])


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"date invalide ({column} = {value!r})", column) from None


def _digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


def _hash(line: str) -> str:
    return hashlib.md5(line.rstrip("\r\n").encode(), usedforsecurity=False).hexdigest()


def _clean(value: str) -> str:
    return "" if value == ND else value.strip()


class _Report:
    """Collects rejections: the first N for the ImportRun, all of them in the CSV report if asked."""

    def __init__(self, counts: dict[str, int], report_path: str | Path | None) -> None:
        self.counts = counts
        self.stored: list[Rejection] = []
        self._handle = open(report_path, "w", encoding="utf-8", newline="") if report_path else None  # noqa: SIM115
        self._writer = csv.writer(self._handle) if self._handle else None
        if self._writer:
            self._writer.writerow(["file", "line", "field", "reason", "excerpt"])

    def reject(self, path: Path, line_no: int, reason: str, line: str, *, field: str = "") -> None:
        self.counts["rejected"] += 1
        excerpt = line.rstrip("\r\n")[:200]
        if len(self.stored) < ImportRun.MAX_STORED_REJECTIONS:
            self.stored.append(Rejection(line_no, field, reason, where=path.name, excerpt=excerpt))
        if self._writer:
            self._writer.writerow([path.name, line_no, field, reason, excerpt])

    def close(self) -> None:
        if self._handle:
            self._handle.close()


def _max_query_params() -> int:
    """Bound parameters per statement: Django says 999 for SQLite, the linked library often allows 32766."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535


_TIMESTAMPS = frozenset({"created_at", "updated_at"})
# Rows per multi-row INSERT on SQLite (bounded by the bound-parameter limit).
_ROWS_PER_INSERT = 500


def _execute_qmark(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """SQLite: run a statement written with `?` placeholders straight on the driver's cursor.

    Django's SQLite cursor rewrites `%s` into `?` with a regular expression over the whole
    statement at every call: over the import's multi-row INSERTs (tens of thousands of
    placeholders each) that cost about 0.6 s per million-line file. Errors are still Django's.
    """
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, sql, params)


def _existing(
    model: type[models.Model], key: str, keys: Iterable[str], columns: Sequence[str]
) -> dict[str, tuple]:
    """key value → (other columns) of the rows of `model` whose `key` is in `keys`, by plain SQL.

    The ORM's `filter(key__in=...)` prepares each of the batch's thousands of values through the
    field: a quarter of a second per million-line import. JSON columns come back decoded.
    """
    keys = list(keys)
    if not keys:
        return {}
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in (key, *columns)]
    decode = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    select = ", ".join(quote(f.column) for f in fields)
    found: dict[str, tuple] = {}
    step = max(1, _max_query_params() - 1)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {select} FROM {quote(meta.db_table)} WHERE {quote(fields[0].column)} IN ({marks})",
                chunk,
            )
            for row in cursor.fetchall():
                if decode:
                    row = list(row)
                    for i in decode:
                        if isinstance(row[i], str):
                            row[i] = json.loads(row[i])
                found[row[0]] = tuple(row[1:])
    return found


def _dump_json(value: Any) -> str:
    """`json.dumps`, twice as fast for the flat {str: str} dicts of raw records (C-escaped strings
    joined without the encoder's per-call machinery); anything else goes to `json.dumps`."""
    if type(value) is dict:
        quote = _quote_json
        try:
            return "{" + ",".join([quote(k) + ":" + quote(v) for k, v in value.items()]) + "}"
        except TypeError:  # a value that is not a string
            pass
    return json.dumps(value)


class _RowWriter:
    """INSERT (multi-row statements on SQLite, COPY on PostgreSQL) and UPDATE (`executemany`),
    with values adapted once per type.

    Why not `bulk_create` / `bulk_update`: on a batch of a few thousand rows they spend most of
    their time building model instances and compiling per-field SQL (and `bulk_update` writes a
    CASE per field and row); the import spent ~75 % of its write time there. The adaptation below
    goes through each field's own `get_db_prep_save`, so values are stored exactly as the ORM would.
    """

    def __init__(self, model: type[models.Model]) -> None:
        # Generated columns (Establishment.directory_rank) are the database's to write.
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.pk_column = connection.ops.quote_name(model._meta.pk.column)
        self.fields = {f.attname: f for f in fields}
        self.adapters = {f.attname: self._adapter(f) for f in fields}
        self.names = [f.attname for f in fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.defaults = [self._value(f.attname, f.get_default()) for f in fields]
        # Dates and JSON need adapting per row; timestamps are one value per batch.
        self.adapt = {
            f.attname
            for f in fields
            if isinstance(f, models.DateField | models.JSONField) and not isinstance(f, models.DateTimeField)
        }

    def _value(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        return self.adapters[name](value)

    @staticmethod
    def _adapter(field: models.Field) -> Callable[[Any], Any]:
        """How a value of `field` goes to the database: the field's own adaptation, except the
        two SQLite cases whose result is known (a date is its ISO string, JSON is `json.dumps`),
        where Django's call chain cost more than the conversion (90,000 calls per 1 M-row import)."""
        if connection.vendor == "sqlite":
            if isinstance(field, models.JSONField) and field.encoder is None:
                return _dump_json
            if type(field) is models.DateField:
                return str
        return functools.partial(field.get_db_prep_save, connection=connection)

    def insert(self, rows: list[dict[str, Any]], returning: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
        """Insert rows (dicts of attribute → value).

        With `returning`, gives the inserted rows' columns where the engine can (SQLite), else [].
        """
        if not rows:
            return []
        now = self._value("updated_at", timezone.now())
        columns = ", ".join(connection.ops.quote_name(self.fields[n].column) for n in self.names)
        sql = f"INSERT INTO {self.table} ({columns})"
        if connection.vendor == "postgresql":
            # COPY: a multi-row INSERT spends seconds in psycopg's client-side parameter binding.
            with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {sql[12:]} FROM STDIN") as copy:
                for row in self._rows(rows, now):
                    copy.write_row(row)
            return []
        suffix = ""
        if returning:
            columns = [
                self.pk_column if n == "id" else connection.ops.quote_name(self.fields[n].column)
                for n in returning
            ]
            suffix = " RETURNING " + ", ".join(columns)
        returned: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            start = 0
            while start < len(rows):
                keys = tuple(rows[start])
                end = start + 1
                while end < len(rows) and tuple(rows[end]) == keys:
                    end += 1
                returned.extend(self._insert_shape(cursor, sql, suffix, rows[start:end], keys, now))
                start = end
        return returned

    def _insert_shape(self, cursor: Any, sql: str, suffix: str, rows: list[dict[str, Any]],
                      keys: tuple[str, ...], now: Any) -> list[tuple[Any, ...]]:  # fmt: skip
        """SQLite: insert rows whose dicts have these keys, in that order.

        Only the given columns are bound per row; the others (defaults, timestamps) once per
        statement: `INSERT ... SELECT column1, ?, column2 ... FROM (VALUES (?, ?), ...)`. A new
        organisation sets 4 of its 25 columns, so this binds a sixth of the parameters.
        Multi-row statements rather than executemany: the FTS5 trigger of the establishment table
        flushes its index at every statement (a row-per-statement insert was 4× slower). Every
        statement but the last has the same number of rows, so SQLite prepares it once (the
        driver caches statements by text), and it is written with `?` placeholders.
        """
        position = {name: i for i, name in enumerate(keys)}
        given = [n for n in self.names if n in position and n not in _TIMESTAMPS]
        if not given:
            raise ValueError("nothing to insert: every column would be a default")
        indices = [position[n] for n in given]
        pick = itemgetter(*indices) if len(indices) > 1 else (lambda row: (row[indices[0]],))
        adapt = [(i, self.adapters[n]) for i, n in enumerate(given) if n in self.adapt]
        constants, select = [], []
        for j, name in enumerate(self.names):
            if name in _TIMESTAMPS:
                constants.append(now)
                select.append("?")
            elif name in position:
                select.append(f"column{given.index(name) + 1}")
            else:
                constants.append(self.defaults[j])
                select.append("?")
        per_statement = max(1, min(_ROWS_PER_INSERT, (_max_query_params() - len(constants)) // len(given)))
        one_row = f"({', '.join(['?'] * len(given))})"
        head = f"{sql} SELECT {', '.join(select)} FROM (VALUES "
        returned: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), per_statement):
            params = list(constants)
            for values in rows[start : start + per_statement]:
                row = list(pick(list(values.values())))
                for i, adapter in adapt:
                    if row[i] is not None:
                        row[i] = adapter(row[i])
                params.extend(row)
            count = min(per_statement, len(rows) - start)
            _execute_qmark(cursor, f"{head}{', '.join([one_row] * count)}){suffix}", params)
            if suffix:
                returned.extend(cursor.fetchall())
        return returned

    def _rows(self, rows: list[dict[str, Any]], now: Any) -> list[list[Any]]:
        """Rows as lists in column order, defaults filled in and dates / JSON adapted.

        The dicts of one batch share their keys (`fields()` builds them all alike): one
        `itemgetter` per key order picks every column of a row in one call, from the row's values
        followed by the defaults and the timestamps (always the writer's).
        """
        tail = [*self.defaults]
        tail[self.index["created_at"]] = tail[self.index["updated_at"]] = now
        out = []
        shape: tuple[str, ...] | None = None
        pick: Callable[[list[Any]], tuple[Any, ...]] = itemgetter(0)
        adapt: list[tuple[int, Callable[[Any], Any]]] = []
        for values in rows:
            keys = tuple(values)
            if keys != shape:
                shape, given = keys, {name: i for i, name in enumerate(keys)}
                order = [
                    len(keys) + j if name in _TIMESTAMPS or name not in given else given[name]
                    for j, name in enumerate(self.names)
                ]
                pick = itemgetter(*order)
                adapt = [(j, self.adapters[name]) for j, name in enumerate(self.names)
                         if name in self.adapt and name in given]  # fmt: skip
            row = list(pick([*values.values(), *tail]))
            for j, adapter in adapt:
                if row[j] is not None:
                    row[j] = adapter(row[j])
            out.append(row)
        return out

    def update(self, rows: list[tuple[int, dict[str, Any]]], names: list[str]) -> None:
        if not rows:
            return
        now = self._value("updated_at", timezone.now())
        assignments = ", ".join(f"{connection.ops.quote_name(self.fields[n].column)} = %s" for n in names)
        sql = f"UPDATE {self.table} SET {assignments} WHERE {self.pk_column} = %s"
        adapt, value = self.adapt, self._value
        params = []
        for pk, values in rows:
            values["updated_at"] = now
            params.append([*(value(n, values[n]) if n in adapt else values[n] for n in names), pk])
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


# --- the per-kind logic --------------------------------------------------------------------------


# The columns `_EtablissementSpec.fields` reads, in the order it unpacks them.
_ETAB_PICKED = (
    "siret", "etablissementSiege", "codeCommuneEtablissement", "enseigne1Etablissement",
    "enseigne2Etablissement", "enseigne3Etablissement", "numeroVoieEtablissement",
    "indiceRepetitionEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
    "complementAdresseEtablissement", "distributionSpecialeEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "codePostalEtablissement", "denominationUsuelleEtablissement",
    "etatAdministratifEtablissement", "anneeEffectifsEtablissement", "caractereEmployeurEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "trancheEffectifsEtablissement", "dateCreationEtablissement", "dateDebut", "statutDiffusionEtablissement",
)  # fmt: skip


class _EtablissementSpec:
    kind: EtabKind = "etablissement"
    key_column = "siret"

    def __init__(self, header: list[str], territories: Territories, regions: set[str] | None,
                 departments: set[str] | None) -> None:  # fmt: skip
        ix = {name: i for i, name in enumerate(header)}
        self.header = header
        self.ncols = len(header)
        self.ix = ix
        self.i_siren, self.i_siret, self.i_naf = (
            ix["siren"],
            ix["siret"],
            ix["activitePrincipaleEtablissement"],
        )
        self.i_commune = ix["codeCommuneEtablissement"]
        self._pick = itemgetter(*(ix[column] for column in _ETAB_PICKED))
        self.territories = territories
        self.regions = regions
        self.departments = departments
        self.digital = digital_naf_codes()
        self.establishments = _RowWriter(Establishment)
        self.organisations = _RowWriter(Organisation)

    def in_territory(self, row: list[str]) -> bool:
        if self.regions is None and self.departments is None:
            return True
        _, department, region = self.territories.locate(row[self.i_commune])
        if self.departments is not None and department not in self.departments:
            return False
        return self.regions is None or region in self.regions

    def validate(self, row: list[str]) -> str:
        siren, siret = row[self.i_siren], row[self.i_siret]
        if not _digits(siren, 9):
            raise Rejected(f"SIREN invalide ({siren!r}, 9 chiffres attendus)", "siren")
        if not _digits(siret, 14) or not siret.startswith(siren):
            raise Rejected(
                f"SIRET invalide ({siret!r}, 14 chiffres commençant par le SIREN attendus)", "siret"
            )
        state = row[self.ix["etatAdministratifEtablissement"]]
        if state not in ("A", "F"):
            raise Rejected(f"état administratif inconnu ({state!r})", "etatAdministratifEtablissement")
        _date(row[self.ix["dateCreationEtablissement"]], "dateCreationEtablissement")
        _date(row[self.ix["dateDebut"]], "dateDebut")
        return siret

    def fields(self, row: list[str], line: str, source_hash: str, org_name: str) -> dict[str, Any]:
        (siret, head_office, commune_code, sign1, sign2, sign3, number, repetition, street_type,
         street_name, complement, special, city, foreign_city, postcode, name, state, year, employer,
         naf, nomenclature, band, created, started, diffusion) = self._pick(row)  # fmt: skip
        clean = _clean
        commune_id, department, region = self.territories.locate(commune_code)
        sign = " ".join([s for s in (clean(sign1), clean(sign2), clean(sign3)) if s])[:255]
        street = " ".join(
            [p for p in (clean(number), clean(repetition), clean(street_type), clean(street_name)) if p]
        )
        address = ", ".join([p for p in (clean(complement), street, clean(special)) if p])
        city = clean(city) or clean(foreign_city)
        postcode = clean(postcode)
        name = clean(name)[:255]
        return {
            "siret": siret,
            "is_head_office": head_office == "true",
            "name": name,
            "sign": sign,
            "address": address[:255],
            "postcode": postcode[:10],
            "city": city[:100],
            "commune_id": commune_id,
            "commune_code": commune_code[:5],
            "department_code": department,
            "region_code": region,
            "kind": Kind.COMPANY,
            "naf_code": naf[:6],
            "naf_nomenclature": nomenclature[:8],
            "is_digital": naf in self.digital,
            "headcount_band": band[:2],
            "headcount_year": int(year) if year.isdigit() else None,
            "is_employer": True if employer == "O" else False if employer == "N" else None,
            "creation_date": _date(created, "dateCreationEtablissement"),
            "state": State.CLOSED if state == "F" else State.ACTIVE,
            "closure_date": _date(started, "dateDebut") if state == "F" else None,
            "is_diffusible": diffusion == "O",
            "search_text": search_text_for(org_name, name, sign, city, postcode),
            "source": Source.SIRENE,
            "raw": {k: v for k, v in zip(self.header, row, strict=True) if v},
            "source_hash": source_hash,
        }

    def placeholder_name(self, row: list[str]) -> str:
        """A name for an organisation first seen through one of its establishments."""
        for column in ("denominationUsuelleEtablissement", "enseigne1Etablissement"):
            value = _clean(row[self.ix[column]])
            if value:
                return value[:255]
        return f"SIREN {row[self.i_siren]}"

    def write(self, batch: dict[str, tuple[int, str, list[str], str]], counts: dict[str, int]) -> None:
        """Upsert one batch of establishments (SIRET → line number, line, row, hash)."""
        existing = _existing(Establishment, "siret", batch, ("id", "source_hash", "edited_fields"))
        todo = []
        for siret, entry in batch.items():
            known = existing.get(siret)
            if known is not None and known[1] == entry[3]:
                counts["unchanged"] += 1
            else:
                todo.append((entry, known))
        if not todo:
            return
        orgs = self._organisations({entry[2][self.i_siren]: entry[2] for entry, _ in todo})
        now = timezone.now()
        new, plain, edited = [], [], {}
        for (_, line, row, digest), known in todo:
            org_id, org_name = orgs[row[self.i_siren]]
            values = self.fields(row, line, digest, org_name)
            if known is None:
                values["organisation_id"] = org_id
                new.append(values)
            elif not known[2]:
                plain.append((known[0], values))
            else:
                edited[known[0]] = (values, set(known[2]), org_name)
        self.establishments.insert(new)
        self.establishments.update(plain, ETAB_UPDATE_FIELDS)
        if edited:
            objects = list(Establishment.objects.filter(pk__in=list(edited)))
            for obj in objects:
                values, locked, org_name = edited[obj.pk]
                for name, value in values.items():
                    if name not in locked:
                        setattr(obj, name, value)
                obj.updated_at = now
                if "search_text" not in locked:
                    obj.search_text = search_text_for(org_name, obj.name, obj.sign, obj.city, obj.postcode)
            Establishment.objects.bulk_update(objects, ETAB_UPDATE_FIELDS)
        counts["created"] += len(new)
        counts["updated"] += len(plain) + len(edited)

    def _organisations(self, rows: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
        """SIREN → (organisation id, name used for search), creating the unknown ones."""
        found = _existing(Organisation, "siren", rows, ("id", "name", "is_diffusible"))
        missing = [
            {
                "siren": siren,
                "name": self.placeholder_name(row),
                "kind": Kind.COMPANY,
                "source": Source.SIRENE,
            }
            for siren, row in rows.items()
            if siren not in found
        ]
        if missing:
            names = {o["siren"]: o["name"] for o in missing}
            inserted = self.organisations.insert(missing, returning=("siren", "id"))
            if not inserted:
                inserted = list(Organisation.objects.filter(siren__in=list(names)).values_list("siren", "pk"))
            found.update((siren, (pk, names[siren], True)) for siren, pk in inserted)
        return {siren: (pk, _searchable(name, diffusible)) for siren, (pk, name, diffusible) in found.items()}


class _UniteLegaleSpec:
    kind: EtabKind = "unite_legale"
    key_column = "siren"

    def __init__(self, header: list[str], *_: Any) -> None:
        self.header = header
        self.ncols = len(header)
        self.ix = {name: i for i, name in enumerate(header)}
        self.i_siren, self.i_naf = self.ix["siren"], self.ix["activitePrincipaleUniteLegale"]
        self.digital = digital_naf_codes()
        self.organisations = _RowWriter(Organisation)

    def in_territory(self, row: list[str]) -> bool:
        return True  # a legal unit has no address: the territory filter keeps units already known

    def validate(self, row: list[str]) -> str:
        siren = row[self.i_siren]
        if not _digits(siren, 9):
            raise Rejected(f"SIREN invalide ({siren!r}, 9 chiffres attendus)", "siren")
        _date(row[self.ix["dateCreationUniteLegale"]], "dateCreationUniteLegale")
        _date(row[self.ix["dateDebut"]], "dateDebut")
        return siren

    def name(self, row: list[str]) -> tuple[str, bool]:
        """(display name, whether INSEE masks it): never invent a name for a non-diffusible unit."""
        ix = self.ix
        for column in ("denominationUniteLegale", "denominationUsuelle1UniteLegale"):
            value = row[ix[column]].strip()
            if value == ND:
                return NON_DIFFUSIBLE_NAME, True
            if value:
                return value[:255], False
        first = row[ix["prenomUsuelUniteLegale"]].strip() or row[ix["prenom1UniteLegale"]].strip()
        last = row[ix["nomUsageUniteLegale"]].strip() or row[ix["nomUniteLegale"]].strip()
        if ND in (first, last):
            return NON_DIFFUSIBLE_NAME, True
        person = " ".join(p for p in (first, last) if p)
        return (person[:255], False) if person else (f"SIREN {row[self.i_siren]}", False)

    def fields(self, row: list[str], line: str, source_hash: str) -> dict[str, Any]:
        ix = self.ix
        name, masked = self.name(row)
        closed = row[ix["etatAdministratifUniteLegale"]] == "C"
        naf = row[self.i_naf]
        return {
            "siren": row[self.i_siren],
            "name": name,
            "acronym": _clean(row[ix["sigleUniteLegale"]])[:60],
            "legal_category": row[ix["categorieJuridiqueUniteLegale"]][:4],
            "company_category": row[ix["categorieEntreprise"]][:3],
            "naf_code": naf[:6],
            "headcount_band": row[ix["trancheEffectifsUniteLegale"]][:2],
            "is_digital": naf in self.digital,
            "creation_date": _date(row[ix["dateCreationUniteLegale"]], "dateCreationUniteLegale"),
            "state": State.CLOSED if closed else State.ACTIVE,
            "closure_date": _date(row[ix["dateDebut"]], "dateDebut") if closed else None,
            "is_diffusible": row[ix["statutDiffusionUniteLegale"]] == "O" and not masked,
            "is_ess": row[ix["economieSocialeSolidaireUniteLegale"]] == "O",
            "kind": Kind.COMPANY,
            "source": Source.SIRENE,
            "raw": {k: v for k, v in zip(self.header, row, strict=True) if v},
            "source_hash": source_hash,
        }

    def write(self, batch: dict[str, tuple[int, str, list[str], str]], counts: dict[str, int]) -> None:
        """Upsert one batch of legal units (SIREN → line number, line, row, hash)."""
        existing = _existing(Organisation, "siren", batch, ("id", "source_hash", "edited_fields", "name"))
        now = timezone.now()
        new, plain, edited, renamed = [], [], {}, set()
        for siren, (_, line, row, digest) in batch.items():
            known = existing.get(siren)
            if known is not None and known[1] == digest:
                counts["unchanged"] += 1
                continue
            values = self.fields(row, line, digest)
            if known is None:
                new.append(values)
                continue
            if known[2]:
                edited[known[0]] = (values, set(known[2]))
            else:
                plain.append((known[0], values))
            if "name" not in known[2] and values["name"] != known[3]:
                renamed.add(known[0])
        self.organisations.insert(new)
        self.organisations.update(plain, UL_UPDATE_FIELDS)
        if edited:
            objects = list(Organisation.objects.filter(pk__in=list(edited)))
            for obj in objects:
                values, locked = edited[obj.pk]
                for name, value in values.items():
                    if name not in locked:
                        setattr(obj, name, value)
                obj.updated_at = now
            Organisation.objects.bulk_update(objects, UL_UPDATE_FIELDS)
        if renamed:
            _refresh_search_text(renamed)
        counts["created"] += len(new)
        counts["updated"] += len(plain) + len(edited)


def _searchable(name: str, diffusible: bool) -> str:
    """The organisation name establishments index: not a placeholder, not a masked unit."""
    return name if diffusible and not name.startswith("SIREN ") else ""


def _refresh_search_text(organisation_ids: set[int]) -> None:
    """Establishments index their organisation's name: recompute it after a rename."""
    establishments = list(
        Establishment.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation")
        .only(
            "pk",
            "name",
            "sign",
            "city",
            "postcode",
            "edited_fields",
            "organisation__name",
            "organisation__is_diffusible",
        )  # fmt: skip
    )
    changed = []
    for est in establishments:
        if "search_text" in est.edited_fields:
            continue
        org = est.organisation
        est.search_text = search_text_for(
            _searchable(org.name, org.is_diffusible), est.name, est.sign, est.city, est.postcode
        )
        changed.append(est)
    Establishment.objects.bulk_update(changed, ["search_text"])


# --- the services --------------------------------------------------------------------------------


def _regions_or_none(values: Iterable[str] | str | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = values.split(",")
    return {v.strip().upper() for v in values if v.strip()} or None


def scan_sirene(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
) -> ImportResult:
    """Read, filter and validate a stock file without writing anything (the benchmark's scan pass)."""
    return _run(path, naf_codes=naf_codes, regions=regions, departments=departments, write=False)


def import_sirene_file(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import one SIRENE stock file (kind detected from its header) and record an `ImportRun`.

    Raises `SireneFormatError` for a file that is not a stock file (the run is recorded as
    failed). Any exception or Ctrl-C while importing marks the run interrupted and is re-raised;
    the batches already committed stay, and a rerun counts them as unchanged.
    """
    return _run(
        path,
        naf_codes=naf_codes,
        regions=regions,
        departments=departments,
        write=True,
        progress=progress,
        batch_size=batch_size,
        report_path=report_path,
        on_batch=on_batch,
    )


def import_sirene(
    paths: str | Path | Sequence[str | Path],
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import SIRENE stock files: establishment files first, then legal-unit files.

    That order lets a StockUniteLegale file name the organisations the establishments created,
    whatever the NAF filter (a unit already in the directory is always updated). One `ImportRun`
    and one `ImportResult` per file. See `import_sirene_file` for the options.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    kinds = {Path(p): _peek_kind(Path(p)) for p in paths}
    ordered = sorted(kinds, key=lambda p: kinds[p] != "etablissement")
    results = []
    for index, path in enumerate(ordered):
        report = report_path
        if report_path and len(ordered) > 1:
            report = Path(report_path).with_stem(f"{Path(report_path).stem}-{index + 1}")
        results.append(
            import_sirene_file(
                path,
                naf_codes=naf_codes,
                regions=regions,
                departments=departments,
                progress=progress,
                batch_size=batch_size,
                report_path=report,
                on_batch=on_batch,
            )
        )
    written = sum(r.counts["created"] + r.counts["updated"] for r in results)
    if written >= VACUUM_AFTER_ROWS and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics and visibility map now rather than at autovacuum's next pass: the
        # directory's "starts with" search is an index-only scan only on visible pages.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE organisations_establishment")
            cursor.execute("VACUUM ANALYZE organisations_organisation")
    return results


def _peek_kind(path: Path) -> EtabKind | None:
    try:
        with open_stock(path) as (binary, _size):
            return detect_kind(_read_header(binary, path))
    except (SireneFormatError, OSError, zipfile.BadZipFile):
        return None  # reported properly by the import itself


def _run(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None,
    regions: Iterable[str] | str | None,
    departments: Iterable[str] | str | None,
    write: bool,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    path = Path(path)
    started = time.perf_counter()
    codes = resolve_naf_codes(naf_codes)
    region_set, department_set = _regions_or_none(regions), _regions_or_none(departments)
    options = {
        "naf_codes": sorted(codes) if codes is not None else "all",
        "regions": sorted(region_set) if region_set else None,
        "departments": sorted(department_set) if department_set else None,
        "batch_size": batch_size,
    }
    counts = _new_counts()
    with open_stock(path) as (binary, total):
        header = _read_header(binary, path)
        try:
            kind = detect_kind(header)
        except SireneFormatError as exc:
            if write:
                ImportRun.objects.create(
                    kind="sirene", files=[str(path)], status=ImportRun.Status.FAILED, options=options,
                    error=str(exc), finished_at=timezone.now(),
                )  # fmt: skip
            raise SireneFormatError(f"{path.name} : {exc}") from None
        needs_territories = kind == "etablissement" and (write or region_set or department_set)
        territories = Territories.load() if needs_territories else Territories({}, {})
        spec: _EtablissementSpec | _UniteLegaleSpec
        known_sirens: set[str] | None = None
        if kind == "etablissement":
            spec = _EtablissementSpec(header, territories, region_set, department_set)
        else:
            spec = _UniteLegaleSpec(header)
            if codes is not None or region_set or department_set:
                known_sirens = set(Organisation.objects.exclude(siren=None).values_list("siren", flat=True))
            if region_set or department_set:
                codes = frozenset()  # only units whose establishments are in the territory
        result = ImportResult(kind=RUN_KINDS[kind], path=str(path), counts=counts)
        run = None
        if write:
            # Runs of killed processes are marked interrupted before this one starts.
            ImportRun.objects.mark_abandoned()
            run = ImportRun.objects.create(
                kind=RUN_KINDS[kind], files=[str(path)], options=options, report_path=str(report_path or "")
            )
            result.run = run
        # The reader's counts (read, kept, rejected, duplicates) run ahead of the writes: each
        # batch carries them as they were when it was cut, and `counts` takes them once it is
        # committed, so an interrupted run records how far the committed work went.
        scanned = _new_counts()
        report = _Report(scanned, report_path)
        bar = _progress_bar(total, path.name) if progress else None
        position = [0]

        def tick() -> None:
            now = binary.tell()
            bar.update(now - position[0])
            position[0] = now

        records = _records(
            binary, naf_codes=codes, known_sirens=known_sirens, counts=scanned, tick=tick if bar else None
        )
        batches = _batches(
            records, spec, path=path, codes=codes, known_sirens=known_sirens, report=report,
            counts=scanned, batch_size=batch_size if write else 0,
        )  # fmt: skip
        if write:
            batches = _read_ahead(batches)
        try:
            for batch, so_far in batches:
                _flush(spec, batch, counts, so_far, result, on_batch)
            _merge_scan_counts(counts, scanned)
        except BaseException as exc:
            batches.close()  # stops and joins the reader before its counts are read
            if run is not None:
                _finish(
                    run, counts, report, ImportRun.Status.INTERRUPTED, error=f"{type(exc).__name__}: {exc}"
                )
            raise
        finally:
            report.close()
            if bar is not None:
                bar.update(total - position[0])
                bar.close()
    counts["filtered"] = counts["read"] - counts["kept"] - counts["rejected"]
    result.rejections = report.stored
    result.seconds = time.perf_counter() - started
    if run is not None:
        _finish(run, counts, report, ImportRun.Status.DONE)
    return result


def _batches(
    records: Iterable[tuple[int, bytes]],
    spec: Any,
    *,
    path: Path,
    codes: frozenset[str] | None,
    known_sirens: set[str] | None,
    report: _Report,
    counts: dict[str, int],
    batch_size: int,
) -> Iterator[tuple[dict[str, tuple[int, str, list[str], str]], dict[str, int]]]:
    """Decode, parse, filter and validate records: (batch, counts so far) every `batch_size` kept.

    A batch maps the record's key (SIRET, SIREN) to (line number, line, row, hash): a key seen
    twice keeps its last line and counts a duplicate. With `batch_size` 0 nothing is batched
    (a scan). Rejections go to `report`, with their line number and reason.
    """
    batch: dict[str, tuple[int, str, list[str], str]] = {}
    for line_no, raw_line in records:
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            report.reject(path, line_no, "encodage invalide (UTF-8 attendu)", raw_line.decode("latin-1"))
            continue
        try:
            row = _split(line)
        except csv.Error as exc:
            report.reject(path, line_no, f"ligne CSV illisible ({exc})", line)
            continue
        if len(row) != spec.ncols:
            report.reject(path, line_no, f"{len(row)} colonnes au lieu de {spec.ncols}", line)
            continue
        if (
            codes is not None
            and row[spec.i_naf] not in codes
            and (known_sirens is None or row[spec.i_siren] not in known_sirens)
        ):
            continue
        if not spec.in_territory(row):
            continue
        try:
            key = spec.validate(row)
        except Rejected as exc:
            report.reject(path, line_no, str(exc), line, field=exc.field)
            continue
        counts["kept"] += 1
        if not batch_size:
            continue
        if key in batch:
            counts["duplicates"] += 1
        batch[key] = (line_no, line, row, _hash(line))
        if len(batch) >= batch_size:
            yield batch, dict(counts)
            batch = {}
    if batch:
        yield batch, dict(counts)


_SCAN_COUNTS = ("read", "kept", "rejected", "duplicates")


def _merge_scan_counts(counts: dict[str, int], scanned: Mapping[str, int]) -> None:
    for key in _SCAN_COUNTS:
        counts[key] = scanned[key]


_END = object()


def _read_ahead(items: Iterator[Any], depth: int = 2) -> Generator[Any, None, None]:
    """Iterate `items` in a thread, at most `depth` items ahead of the consumer.

    The import's reading (scanning a 40 M-line file, parsing, validating) is Python; its writing
    spends most of its time inside the database driver, which releases the GIL: run side by
    side they overlap on a machine with two cores or more. The reader never touches the
    database. An exception in the reader is raised here; when the consumer stops early
    (exception, Ctrl-C, `close()`), the reader is told to stop and is joined.
    """
    out: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                out.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((_END, exc))
            return
        put((_END, None))

    reader = threading.Thread(target=produce, name="sirene-reader", daemon=True)
    reader.start()
    try:
        while True:
            item, error = out.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        reader.join()


def _flush(spec: Any, batch: dict, counts: dict[str, int], so_far: Mapping[str, int], result: ImportResult,
           on_batch: Callable[[ImportResult], None] | None) -> None:  # fmt: skip
    # Counted apart and merged after the commit, so a rolled-back batch leaves the counts right.
    delta = dict.fromkeys(("created", "updated", "unchanged"), 0)
    with transaction.atomic():
        spec.write(batch, delta)
    for key, value in delta.items():
        counts[key] += value
    _merge_scan_counts(counts, so_far)
    if result.run is not None:
        result.run.beat(counts)  # at most every HEARTBEAT_SECONDS: a killed run is then found
    if on_batch is not None:
        on_batch(result)


def _finish(run: ImportRun, counts: dict[str, int], report: _Report, status: str, error: str = "") -> None:
    counts["filtered"] = counts["read"] - counts["kept"] - counts["rejected"]
    run.status = status
    run.counts = dict(counts)
    run.rejections = [r.as_dict() for r in report.stored]
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "rejections", "error", "finished_at"])


def _progress_bar(total: int, name: str) -> Any:
    import sys

    from tqdm import tqdm

    return tqdm(
        total=total, unit="B", unit_scale=True, desc=name, disable=not sys.stderr.isatty(), leave=False
    )
