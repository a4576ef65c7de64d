"""Background tasks of the observatory (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute(end_year: int | None = None) -> int:
    """Rebuild every aggregate from the directory (see aggregates.recompute_aggregates); rows written."""
    from .aggregates import recompute_aggregates

    return recompute_aggregates(end_year=end_year).rows


@task()
def recompute_after_import() -> int:
    """Recompute when a SIRENE import has finished since the last recompute started (scheduled
    every few minutes, so the pages follow an import without waiting for the night); rows written."""
    from filiere.core.models import ImportRun

    from .aggregates import recompute_aggregates
    from .models import AggregateRun

    imports = ImportRun.objects.filter(kind__startswith="sirene", finished_at__isnull=False)
    last = AggregateRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    if last is not None:
        imports = imports.filter(finished_at__gt=last)
    if not imports.exists():
        return 0
    return recompute_aggregates().rows
