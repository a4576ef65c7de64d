"""Background tasks of the observatory (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute(end_year: int | None = None) -> int:
    """Rebuild every aggregate from the directory (see aggregates.recompute_aggregates); rows written."""
    from .aggregates import recompute_aggregates

    return recompute_aggregates(end_year=end_year).rows
