"""Rebuild what the matching engine derives from `Document` rows (`filiere reindex`).

A dumpdata/loaddata round trip, or rows written by hand, leave every process trusting its cached
arrays because the restored `IndexState` tokens are the ones they already hold. `rebuild_index`
gives every doc_type a new version token (so every process rebuilds its arrays from
`Document.terms` and `skill_ids` on its next search), refreshes PostgreSQL's planner statistics
(a dump holds none) and asks the task worker for the vectors that are missing.
"""

from __future__ import annotations

from django.db import connection, transaction

from filiere.matching import corpus
from filiere.matching.models import Document
from filiere.matching.services import pending_vectors
from filiere.matching.services.index import enqueue_vectors


def rebuild_index() -> dict[str, int]:
    """Invalidate every process's caches, enqueue missing vectors.

    Returns the number of documents indexed, of doc_types touched and of documents waiting for
    a vector.
    """
    doc_types = sorted(set(Document.objects.values_list("doc_type", flat=True).distinct()))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # see organisations.reindex
                cursor.execute("ANALYZE matching_document")
        if doc_types:
            corpus.touch(doc_types, vectors=True)
    pending = 0
    for doc_type in doc_types:
        missing = pending_vectors(doc_type=doc_type).count()
        if missing:
            pending += missing
            enqueue_vectors(doc_type)
    return {"documents": Document.objects.count(), "doc_types": len(doc_types), "vectors_pending": pending}
