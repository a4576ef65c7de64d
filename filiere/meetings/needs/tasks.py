"""Scheduled task of the buyers' needs (`SCHEDULE` in settings, docs/deploy.md)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def need_follow_ups() -> int:
    """Ask the buyers what came of their needs, once the deadline is well past."""
    return services.ask_follow_ups()
