"""Background tasks of the support app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def support_reminders() -> dict[str, int]:
    """The reminder ladder, "no answer" after 21 days, outcome questions due (services.send_reminders)."""
    from .services import send_reminders

    return send_reminders()
