"""Rebuild what the matching engine derives from `Document` rows (`filiere reindex`).

A dumpdata/loaddata round trip, or rows written by hand, leave the SQLite FTS5 table
`matching_document_fts` empty (it is not a model: no fixture holds it), and leave every process
trusting its cached arrays because the restored `IndexState` tokens are the ones they already
hold. `rebuild_index` refills the lexical index from `Document.terms`, gives every doc_type a
new version token (so every process rebuilds its arrays on its next search) and asks the task
worker for the vectors that are missing.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection, transaction

from filiere.matching import backends, corpus
from filiere.matching.models import Document
from filiere.matching.services import _enqueue_vectors, pending_vectors


def rebuild_index() -> dict[str, int]:
    """Refill the full-text index, invalidate every process's caches, enqueue missing vectors.

    Returns the number of documents indexed, of doc_types touched and of documents waiting for
    a vector.
    """
    doc_types = sorted(set(Document.objects.values_list("doc_type", flat=True).distinct()))
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {backends.FTS_TABLE}")
                cursor.execute(
                    f"INSERT INTO {backends.FTS_TABLE}(rowid, terms) SELECT id, terms FROM matching_document"
                )
            elif connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see organisations.reindex
                # The GIN index on `terms` follows the rows; recreate it if missing, refresh the
                # planner statistics (a dump holds none).
                for statement in import_module("filiere.matching.migrations.0002_fulltext").PG_FORWARD:
                    cursor.execute(statement)
                cursor.execute("ANALYZE matching_document")
        if doc_types:
            corpus.touch(doc_types, vectors=True)
    pending = 0
    for doc_type in doc_types:
        missing = pending_vectors(doc_type=doc_type).count()
        if missing:
            pending += missing
            _enqueue_vectors(doc_type)
    return {"documents": Document.objects.count(), "doc_types": len(doc_types), "vectors_pending": pending}
