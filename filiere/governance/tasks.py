"""Background tasks of the governance app (django-tasks; the daily one is in settings.SCHEDULE)."""

from __future__ import annotations

from django_tasks import task


@task()
def fee_reminders_and_lapses() -> dict[str, int]:
    """Remind unpaid fee calls and lapse memberships unpaid past their grace period."""
    from .services import send_reminders_and_lapse

    return send_reminders_and_lapse()


@task()
def send_fee_call_notices(cluster_id: int, year: int) -> int:
    """Mail the year's fee calls of a cluster to its members' contacts."""
    from . import services

    return services.send_fee_call_notices(cluster_id=cluster_id, year=year)
