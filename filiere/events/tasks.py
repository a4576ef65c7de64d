"""Background tasks of the events app (django-tasks, run by the scheduler: settings.SCHEDULE)."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_offers() -> int:
    """Expire the seats offered and not confirmed in time, and offer them to the next in line."""
    from .services import expire_offers as expire

    return expire()


@task()
def send_reminders() -> int:
    """Remind confirmed people the day before their event."""
    from .services import send_reminders as remind

    return remind()
