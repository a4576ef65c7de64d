"""Background tasks of the training offer (django-tasks)."""

from __future__ import annotations

from typing import IO

from django_tasks import task

from filiere.core.models import ImportRun
from filiere.core.uploads import run_stored_upload


@task()
def import_training_file(run_id: int) -> str:
    """Import a training-offer file uploaded on the import page (queued by
    `services.queue_training_import`) under its run; returns the run's final status. A file
    that cannot be read fails the run with the reason, shown on the page."""
    from .importers import TrainingFormatError, import_training  # importers is heavy; services enqueues this

    def importer(stream: IO[bytes], run: ImportRun) -> object:
        return import_training(
            stream,
            fmt=run.options.get("format") or None,
            filename=run.files[0] if run.files else "",
            user_id=run.options.get("user_id"),
            run=run,
        )

    return run_stored_upload(run_id, importer, expected=(TrainingFormatError,))
