"""Background tasks of the matching engine (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_vectors(doc_type: str | None = None) -> int:
    """Embed the documents that lack a vector of the current model (see services)."""
    from .services import compute_pending_vectors

    return compute_pending_vectors(doc_type=doc_type)
