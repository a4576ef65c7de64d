"""Background tasks of the showcase (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def saved_search_alerts() -> int:
    """Mail the owners of due saved searches the firms that newly match (see services)."""
    from .services import run_saved_search_alerts

    return run_saved_search_alerts()


@task()
def reindex_showcase() -> int:
    """Reindex every showcase profile in the matching engine."""
    from .indexing import reindex_all

    return reindex_all()
