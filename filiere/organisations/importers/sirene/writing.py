"""Writing a batch fast: the known rows of a batch in one query, multi-row INSERTs and UPDATEs in
plain SQL within the driver's parameter limit (`RowWriter`)."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring_ascii as _quote_json
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone


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


def existing_rows(
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


def dump_json(value: Any) -> str:
    """`json.dumps`, twice as fast for the flat {str: str} dicts of raw records (C-escaped strings
    joined without the encoder's per-call machinery); anything else goes to `json.dumps`."""
    if type(value) is dict:
        quote = _quote_json
        try:
            return "{" + ",".join([quote(k) + ":" + quote(v) for k, v in value.items()]) + "}"
        except TypeError:  # a value that is not a string
            pass
    return json.dumps(value)


class RowWriter:
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
                return dump_json
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
