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
