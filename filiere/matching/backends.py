"""The lexical channel: one small interface over the database's own full-text search.

`Document.terms` holds folded, stemmed words (`filiere.matching.text.terms_for`), so both engines
see the same words and French plurals, feminines and accents already meet:

- SQLite: the FTS5 table `matching_document_fts` (rowid = Document.id), written from Python
  beside the row (no triggers: a table remake by a later migration would silently drop them);
  ranked OR queries by bm25.
- PostgreSQL: a GIN index on `to_tsvector('simple', terms)` (migration 0002); OR queries ranked
  by `ts_rank_cd`.

Typos are handled before the query reaches the index: unknown query words are corrected against
the taxonomy vocabulary by the gazetteer's character n-gram speller (`services._query_words`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection

FTS_TABLE = "matching_document_fts"
DOC_TABLE = "matching_document"
PG_VECTOR = f"to_tsvector('simple'::regconfig, {DOC_TABLE}.terms)"
MAX_IN_PARAMS = 2000


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


def lexical_search(
    words: list[str], *, doc_type: str, restrict_ids: Collection[int] | None = None, limit: int = 200
) -> list[tuple[int, float]]:
    """(doc_id, score) of documents of ``doc_type`` containing any of ``words``, best first.

    ``words`` are normalised words (stems); scores are positive, higher is better, comparable
    only within one query.
    """
    words = [w for w in dict.fromkeys(words) if w.replace("+", "").replace("#", "").isalnum()]
    if not words:
        return []
    params: list[object] = []
    restrict_sql = ""
    if restrict_ids is not None:
        if not restrict_ids:
            return []
        if len(restrict_ids) <= MAX_IN_PARAMS:
            restrict_sql = f" AND d.doc_id IN ({', '.join(['%s'] * len(restrict_ids))})"
    # Past MAX_IN_PARAMS ids the filter is applied in Python on a deeper candidate list.
    fetch = limit if restrict_sql or restrict_ids is None else limit * 20
    if connection.vendor == "sqlite":
        expression = " OR ".join(f'"{w}"' for w in words)
        sql = (
            f"SELECT d.doc_id, -bm25({FTS_TABLE}) FROM {FTS_TABLE} JOIN {DOC_TABLE} d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND d.doc_type = %s{restrict_sql} ORDER BY bm25({FTS_TABLE}) LIMIT %s"
        )
        params = [expression, doc_type]
    elif connection.vendor == "postgresql":
        expression = " | ".join(words)
        vector = PG_VECTOR.replace(f"{DOC_TABLE}.", "d.")
        sql = (
            f"SELECT d.doc_id, ts_rank_cd({vector}, q) AS score FROM {DOC_TABLE} d, "
            "to_tsquery('simple'::regconfig, %s) q "
            f"WHERE {vector} @@ q AND d.doc_type = %s{restrict_sql} ORDER BY score DESC, d.doc_id LIMIT %s"
        )
        params = [expression, doc_type]
    else:  # any other engine: correct but slow
        return _python_search(words, doc_type=doc_type, restrict_ids=restrict_ids, limit=limit)
    if restrict_sql:
        params.extend(restrict_ids or ())
    params.append(fetch)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(int(doc_id), float(score)) for doc_id, score in cursor.fetchall()]
    if restrict_ids is not None and not restrict_sql:
        allowed = restrict_ids if isinstance(restrict_ids, set | frozenset) else set(restrict_ids)
        rows = [r for r in rows if r[0] in allowed]
    return rows[:limit]


def _python_search(
    words: list[str], *, doc_type: str, restrict_ids: Collection[int] | None, limit: int
) -> list[tuple[int, float]]:
    from filiere.matching.models import Document

    wanted = set(words)
    queryset = Document.objects.filter(doc_type=doc_type)
    if restrict_ids is not None:
        queryset = queryset.filter(doc_id__in=list(restrict_ids))
    scored = []
    for doc_id, terms in queryset.values_list("doc_id", "terms").iterator():
        hits = len(wanted & set(terms.split()))
        if hits:
            scored.append((doc_id, float(hits)))
    scored.sort(key=lambda r: -r[1])
    return scored[:limit]
