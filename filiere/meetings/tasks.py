"""Background tasks of the B2B meetings (django-tasks): the scheduler never runs in a request."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import Programme


@task()
def schedule_programme(programme_id: int) -> int:
    """Run the scheduler on a programme; returns the number of meetings placed."""
    programme = Programme.objects.select_related("event").get(pk=programme_id)
    result = services.compute_schedule(programme)
    return len(result.meetings) if result is not None else 0


@task()
def register_imported_participants(programme_id: int, run_id: int) -> dict[str, int]:
    """After an import: register the programme's participants for its event and record the
    outcome on the import's run (importers.register_after_import); returns the counts."""
    from . import importers  # importers enqueues this task

    programme = Programme.objects.select_related("event").get(pk=programme_id)
    return importers.register_after_import(programme, run_id).counts
