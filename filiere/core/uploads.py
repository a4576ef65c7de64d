"""Imports of uploaded files run by the task worker instead of the web request.

A request validates the upload (format, size, a cheap look at its first bytes), then
`queue_run` stores it in the default storage (`MEDIA_ROOT`, which the web and worker processes
share) and records an `ImportRun` "queued" with the stored file's name in `options["upload"]`; the
app enqueues its task on commit with the run's id. The task calls `run_stored_upload`, which claims
the run (one task only, even delivered twice), hands the stored file to the app's importer under
that run, records on the run any error the importer did not record itself, and deletes the file
once the run is done or failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext

from .models import ImportRun, current_host, current_pid

logger = logging.getLogger(__name__)

UPLOAD_DIR = "imports"


def store_upload(upload: Any, *, kind: str) -> str:
    """Save an uploaded file in the default storage under `imports/<kind>/` with a random name
    (the user's file name is kept on the run, not trusted as a path); returns the stored name."""
    suffix = PurePath(upload.name or "").suffix.lower()[:10]
    upload.seek(0)
    return default_storage.save(f"{UPLOAD_DIR}/{kind}/{uuid.uuid4().hex}{suffix}", upload)


def queue_run(*, kind: str, upload: Any, options: dict[str, Any]) -> ImportRun:
    """Store the upload and record its run, queued: no process yet (so `mark_abandoned`, which
    looks at running runs only, leaves it alone while the worker is busy)."""
    stored = store_upload(upload, kind=kind)
    return ImportRun.objects.create(
        kind=kind,
        files=[upload.name] if upload.name else [],
        status=ImportRun.Status.QUEUED,
        options={**options, "upload": stored},
        pid=None,
        heartbeat_at=None,
    )


def run_stored_upload(
    run_id: int,
    importer: Callable[[IO[bytes], ImportRun], object],
    *,
    expected: tuple[type[Exception], ...] = (),
) -> str:
    """Run `importer(stream, run)` on a queued run's stored file, in the worker; returns the run's
    final status.

    The run is claimed with a conditional update (queued → running, this process), so a task run
    twice imports once. An exception is recorded on the run when the importer left it open (the
    run is failed with the error); an `expected` one (the file's fault: malformed, wrong format)
    ends the task normally, any other is raised again for the worker's log. The stored file is
    deleted once the import ended, done or failed; a worker stopped outright (killed, shut down)
    leaves it, and the run running, which `mark_abandoned` marks interrupted.
    """
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, host=current_host(), pid=current_pid(), heartbeat_at=timezone.now()
    )
    run = ImportRun.objects.get(pk=run_id)
    if not claimed:
        return run.status
    name = str(run.options.get("upload", ""))
    try:
        with default_storage.open(name, "rb") as stream:
            importer(stream, run)
    except Exception as exc:
        error = str(exc) if isinstance(exc, expected) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, FileNotFoundError):
            error = gettext(
                "Fichier déposé introuvable (%(name)s) : le processus des tâches doit lire le même "
                "MEDIA_ROOT que le site."
            ) % {"name": name}
        # Conditional: the importer may have closed the run itself (failed, with its counts).
        ImportRun.objects.filter(
            pk=run_id, status__in=(ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        ).update(status=ImportRun.Status.FAILED, error=error, finished_at=timezone.now())
        default_storage.delete(name)
        if not isinstance(exc, expected):
            logger.exception("Import run %s failed", run_id)
            raise
        return ImportRun.Status.FAILED
    default_storage.delete(name)
    run.refresh_from_db(fields=["status"])
    return run.status
