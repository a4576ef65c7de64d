"""Background tasks of the talent app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def anonymise_inactive_profiles() -> int:
    """Anonymise profiles inactive for TALENT_RETENTION_DAYS (run daily; see services)."""
    from .services import anonymise_inactive

    return anonymise_inactive()


@task()
def reindex_talent() -> int:
    """Reindex every job offer and job seeker in the matching engine."""
    from .indexing import reindex_all

    return reindex_all()
