"""Background tasks of the directory (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_directory_export(export_id: int) -> None:
    """Build a spreadsheet export too large for a request (see exports.request_export)."""
    from .exports import build_export

    build_export(export_id)
