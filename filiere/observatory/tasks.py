"""Background tasks of the observatory (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def recompute(end_year: int | None = None) -> int:
    """Rebuild every aggregate from the directory (see aggregates.recompute_aggregates); rows written."""
    from .aggregates import recompute_aggregates

    return recompute_aggregates(end_year=end_year).rows


@task()
def recompute_after_import() -> int:
    """Recompute when a SIRENE import has finished since the last recompute started (scheduled
    every few minutes, so the pages follow an import without waiting for the night), then record
    what the import changed and mail the digests to cluster staff (`changes.py`); rows written."""
    from filiere.core.models import ImportRun

    from .aggregates import recompute_aggregates
    from .models import AggregateRun

    imports = ImportRun.objects.filter(kind__startswith="sirene", finished_at__isnull=False)
    last = AggregateRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    if last is not None:
        imports = imports.filter(finished_at__gt=last)
    latest = imports.order_by("-finished_at").first()
    if latest is None:
        return 0
    rows = recompute_aggregates().rows
    record_changes_and_mail(latest)
    return rows


def record_changes_and_mail(import_run: Any = None) -> int:
    """What the SIRENE update changed (`changes.record_changes`) and the digests to the cluster
    staff who follow those firms; the number of people mailed."""
    from .changes import record_changes, send_change_digests

    run = record_changes(import_run=import_run)
    return 0 if run.baseline else send_change_digests(run)
