"""Shared base models. `core` depends on no other app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class ImportRun(models.Model):
    """One run of an importer (SIRENE stock, COG, ROME...): what was read, what it did, what it refused.

    Every importer opens a run, updates its counts as it goes and closes it as done, failed or
    interrupted, so an operator can see in the admin what happened and rerun an interrupted job.
    `rejections` keeps the first `MAX_STORED_REJECTIONS` refused lines (line number, reason, raw
    excerpt); the full list goes to the CSV file at `report_path` when one was asked for.
    """

    MAX_STORED_REJECTIONS = 1000

    class Status(models.TextChoices):
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

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import de données")
        verbose_name_plural = _("imports de données")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"


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
