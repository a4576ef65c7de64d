"""Background tasks of the needs app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def needs_reminders() -> int:
    """Close campaigns past their date, send due invitations and remind non-respondents (see services)."""
    from .services import close_due_campaigns, send_reminders

    close_due_campaigns()
    return send_reminders()
