"""Scheduled tasks of the buyers' needs (`SCHEDULE` in settings, docs/deploy.md)."""

from __future__ import annotations

from django_tasks import task

from . import reminders, services


@task()
def need_follow_ups() -> int:
    """Ask the buyers what came of their needs, once the deadline is well past."""
    return services.ask_follow_ups()


@task()
def need_reminders() -> int:
    """Remind, once, the invited firms that have neither answered nor declined."""
    return reminders.remind_firms()
