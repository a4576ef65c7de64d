"""Recurring jobs: `settings.SCHEDULE` read by `filiere scheduler`, which enqueues each due run once.

`SCHEDULE` maps a task's dotted path (a django-tasks `@task`, resolved with `import_string`, so
`core` imports no app) to when it runs: a daily local time `"HH:MM"` (`TIME_ZONE`) or a
`datetime.timedelta` interval. Each run has a *slot*, the scheduled moment it stands for (today's
05:00, or the start of the current 15-minute window). A task is due when its slot is later than the
last one enqueued (`ScheduledJob.last_slot`); a run missed while no scheduler was running is
enqueued once when one starts again, never several times.

The scheduler only enqueues: the task worker (`filiere db_worker`) runs the tasks. Claiming a slot
is a conditional UPDATE (`last_slot < slot`) in the transaction that writes the task's row in the
queue (`django_tasks_db`), so of two schedulers racing, one enqueues and the other updates nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledJob

log = logging.getLogger(__name__)

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Entry:
    task_path: str
    when: dt.time | dt.timedelta

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The latest scheduled moment at or before `now` (aware)."""
        if isinstance(self.when, dt.timedelta):
            periods = (now - EPOCH) // self.when
            return EPOCH + periods * self.when
        zone = ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        today = dt.datetime.combine(local.date(), self.when, tzinfo=zone)
        if today > local:
            today = dt.datetime.combine(local.date() - dt.timedelta(days=1), self.when, tzinfo=zone)
        return today.astimezone(dt.UTC)


def entries(schedule: dict[str, str | dt.timedelta] | None = None) -> list[Entry]:
    """`settings.SCHEDULE` checked: every path imports to a task, every time is valid."""
    schedule = settings.SCHEDULE if schedule is None else schedule
    result = []
    for path, when in schedule.items():
        try:
            task = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"SCHEDULE: {path} cannot be imported ({exc})") from exc
        if not hasattr(task, "enqueue"):
            raise ImproperlyConfigured(f"SCHEDULE: {path} is not a task (decorate it with @task)")
        if isinstance(when, dt.timedelta):
            if when <= dt.timedelta(0):
                raise ImproperlyConfigured(f"SCHEDULE: {path} needs a positive interval")
            result.append(Entry(path, when))
        elif isinstance(when, str) and (match := DAILY.match(when)):
            result.append(Entry(path, dt.time(int(match[1]), int(match[2]))))
        else:
            raise ImproperlyConfigured(f"SCHEDULE: {path} runs at 'HH:MM' or every timedelta, got {when!r}")
    return result


def enqueue_due(*, now: dt.datetime | None = None, schedule: list[Entry] | None = None) -> list[str]:
    """Enqueue every task whose current slot has not been enqueued yet; the paths enqueued."""
    now = now or timezone.now()
    enqueued = []
    for entry in entries() if schedule is None else schedule:
        slot = entry.slot(now)
        # Created outside the claiming transaction: on SQLite the UPDATE below is then the first
        # statement of its transaction and takes the write lock at once (no lock upgrade to fail).
        ScheduledJob.objects.get_or_create(task_path=entry.task_path)
        with transaction.atomic():
            claimed = (
                ScheduledJob.objects.filter(task_path=entry.task_path)
                .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                .update(last_slot=slot, last_enqueued_at=now)
            )
            if not claimed:
                continue
            result = import_string(entry.task_path).enqueue()
            ScheduledJob.objects.filter(task_path=entry.task_path).update(last_result_id=str(result.id)[:64])
        log.info("scheduler: enqueued %s for %s (task %s)", entry.task_path, slot.isoformat(), result.id)
        enqueued.append(entry.task_path)
    return enqueued
