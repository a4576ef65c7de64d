"""Shared base models. `core` depends on no other app."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from filiere.core.imports import MAX_STORED_REJECTIONS


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


def current_pid() -> int:
    """This process's id (the default of `ImportRun.pid`)."""
    return os.getpid()


def current_host() -> str:
    """This machine's name (the default of `ImportRun.host`)."""
    return socket.gethostname()[:255]


def _process_gone(pid: int | None) -> bool:
    """True when no process `pid` runs on this machine (a zombie or a reused pid counts as alive)."""
    if not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: it exists
        return False
    return False


class ImportRunQuerySet(models.QuerySet):
    def mark_abandoned(self, *, stale_after: dt.timedelta | None = None) -> int:
        """Mark interrupted the runs still "running" whose process is gone; returns how many.

        A run is abandoned when its process no longer exists on this machine (same host, pid
        gone: a SIGKILL, an out-of-memory kill, a reboot), or when it gave no sign of life
        (`heartbeat_at`) for `stale_after` (default `ImportRun.STALE_AFTER`), whatever machine
        it ran on. Called when an import starts and by `filiere imports cleanup`.
        """
        now = timezone.now()
        stale_after = stale_after or ImportRun.STALE_AFTER
        host = current_host()
        marked = 0
        for run in self.filter(status=ImportRun.Status.RUNNING).only("pk", "host", "pid", "heartbeat_at"):
            last_sign = run.heartbeat_at
            if run.host == host and _process_gone(run.pid):
                error = gettext(
                    "Le processus %(pid)s sur %(host)s s'est arrêté avant la fin de l'import."
                ) % {
                    "pid": run.pid,
                    "host": run.host,
                }
            elif last_sign is None or now - last_sign > stale_after:
                error = gettext("Aucun signe de vie de l'import depuis plus de %(minutes)d minutes.") % {
                    "minutes": stale_after.total_seconds() // 60
                }
            else:
                continue
            # Conditional: a run that finished meanwhile keeps its own status.
            marked += ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.INTERRUPTED, error=error, finished_at=now
            )
        return marked


class ImportRun(models.Model):
    """One run of an importer (SIRENE stock, COG, ROME...): what was read, what it did, what it refused.

    Every importer opens a run, updates its counts as it goes and closes it as done, failed or
    interrupted, so an operator can see in the admin what happened and rerun an interrupted job.
    A web upload handed to the task worker waits as "queued" (`core.uploads`) until it starts.
    `rejections` keeps the first `MAX_STORED_REJECTIONS` refused lines, each a
    `core.imports.Rejection` as a dict (line, field, message, where, key, excerpt; runs before
    December 2026 stored line, reason, excerpt); the full list goes to the CSV file at
    `report_path` when one was asked for. Reference-data loads are runs of kind
    "reference:<dataset>", with their per-table counts in `options["tables"]`.

    A run records the process that runs it (`host`, `pid`) and beats (`heartbeat_at`, with its
    counts so far) at least every `HEARTBEAT_SECONDS` while it writes: a run killed outright
    (SIGKILL, out of memory) cannot mark itself, so `ImportRun.objects.mark_abandoned()` marks it
    interrupted when its process is gone or its heartbeat is older than `STALE_AFTER`.
    """

    MAX_STORED_REJECTIONS = MAX_STORED_REJECTIONS
    HEARTBEAT_SECONDS = 30
    STALE_AFTER = dt.timedelta(minutes=15)

    class Status(models.TextChoices):
        #: Waiting for the task worker (an upload stored by `core.uploads.queue_run`); it has no
        #: process yet, so `mark_abandoned` leaves it alone.
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")
        INTERRUPTED = "interrupted", _("Interrompu")

    kind = models.CharField(_("type d'import"), max_length=40, db_index=True)
    files = models.JSONField(_("fichiers"), default=list, blank=True)
    started_at = models.DateTimeField(_("début"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(_("compteurs"), default=dict, blank=True)
    rejections = models.JSONField(_("lignes rejetées"), default=list, blank=True)
    report_path = models.CharField(_("rapport CSV"), max_length=500, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    host = models.CharField(_("machine"), max_length=255, blank=True, default=current_host)
    pid = models.PositiveIntegerField(_("processus"), null=True, blank=True, default=current_pid)
    heartbeat_at = models.DateTimeField(
        _("dernier signe de vie"), null=True, blank=True, default=timezone.now
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import de données")
        verbose_name_plural = _("imports de données")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    def beat(self, counts: dict[str, int] | None = None, *, force: bool = False) -> bool:
        """Record a sign of life (and the counts so far) if the last one is HEARTBEAT_SECONDS old.

        Cheap to call after every batch: it writes at most every HEARTBEAT_SECONDS. Returns True
        when it wrote.
        """
        now = timezone.now()
        if (
            not force
            and self.heartbeat_at
            and (now - self.heartbeat_at).total_seconds() < self.HEARTBEAT_SECONDS
        ):
            return False
        self.heartbeat_at = now
        values: dict[str, object] = {"heartbeat_at": now}
        if counts is not None:
            self.counts = values["counts"] = dict(counts)
        ImportRun.objects.filter(pk=self.pk, status=self.Status.RUNNING).update(**values)
        return True

    def finish(
        self, status: str, *, counts: dict[str, int], rejections: list[dict[str, object]], error: str = ""
    ) -> None:
        """Close the run as done, failed or interrupted, with its final counts and rejections."""
        self.status = status
        self.counts = dict(counts)
        self.rejections = rejections
        self.error = error
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "counts", "rejections", "error", "finished_at"])


class ScheduledJob(models.Model):
    """The last run of one recurring task that `filiere scheduler` enqueued (see core.scheduler).

    One row per task of `settings.SCHEDULE`. A run is enqueued only by the process whose
    conditional UPDATE moves `last_slot` forward, in the same transaction as the task's row in the
    queue, so two schedulers or a restarted one never enqueue the same run twice.
    """

    task_path = models.CharField(_("tâche"), max_length=200, unique=True)
    last_slot = models.DateTimeField(_("dernière échéance mise en file"), null=True, blank=True)
    last_enqueued_at = models.DateTimeField(_("mise en file le"), null=True, blank=True)
    last_result_id = models.CharField(_("identifiant de la tâche"), max_length=64, blank=True)

    class Meta:
        ordering = ["task_path"]
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")

    def __str__(self) -> str:
        return self.task_path
