"""The database's own full-text index of matching documents, kept beside `Document.terms`.

Ranking no longer queries it: the lexical channel reads the in-process BM25 arrays of
`filiere.matching.corpus` (an OR query ranked by the database cost 0.3 s on SQLite and 8 s on
PostgreSQL at 100,000 documents, since every matching row was scored). The index stays for
SQL-side use (ad-hoc queries, reports) and is written only here.

`Document.terms` holds folded, stemmed words (`filiere.matching.text.terms_for`), so both engines
see the same words and French plurals, feminines and accents already meet:

- SQLite: the FTS5 table `matching_document_fts` (rowid = Document.id), written from Python
  beside the row (no triggers: a table remake by a later migration would silently drop them);
- PostgreSQL: a GIN index on `to_tsvector('simple', terms)` (migration 0002).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection

FTS_TABLE = "matching_document_fts"


def sync_documents(rows: Iterable[tuple[int, str]]) -> None:
    """Write (Document.id, terms) pairs to the lexical index (SQLite only; PostgreSQL indexes the column)."""
    if connection.vendor != "sqlite":
        return
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])
        cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (%s, %s)", rows)


def delete_documents(pks: Collection[int]) -> None:
    """Remove documents (by Document.id) from the lexical index."""
    if connection.vendor != "sqlite" or not pks:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in pks])
