"""Background tasks of the showcase (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def saved_search_alerts() -> int:
    """Mail due saved searches their new firms, and follow up answered contact requests (see services)."""
    from .services import run_saved_search_alerts, send_contact_followups

    return run_saved_search_alerts() + send_contact_followups()


@task()
def reindex_showcase() -> int:
    """Reindex every showcase profile in the matching engine."""
    from .indexing import reindex_all

    return reindex_all()
