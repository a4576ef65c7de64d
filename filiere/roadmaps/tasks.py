"""Background tasks of the roadmaps (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_indicators() -> int:
    """Recompute the computed indicators of every plan that has some, dated today (run daily, as
    `filiere roadmaps_refresh` does); the number of indicators refreshed."""
    from .services import refresh_all_computed_indicators

    return sum(len(values) for values in refresh_all_computed_indicators().values())
