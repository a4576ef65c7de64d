"""Large directory exports: CSV streams; XLSX/ODS above EXPORT_MAX_ROWS_INLINE never built in the request."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from filiere.organisations import exports
from filiere.organisations.models import DirectoryExport, ExportStatus

from .factories import EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def three(settings):
    settings.EXPORT_MAX_ROWS_INLINE = 2
    for i in range(3):
        EstablishmentFactory(organisation__name=f"Entreprise {i}")


@pytest.fixture
def no_inline_build(monkeypatch):
    """Fail the test if a workbook is built inside the request."""

    def refuse(*args, **kwargs):
        raise AssertionError("workbook built in the request")

    monkeypatch.setattr(exports, "spreadsheet", refuse)


def test_csv_streams(client, three):
    response = client.get(reverse("organisations:export", args=["csv"]))
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    lines = [line.decode() if isinstance(line, bytes) else line for line in response.streaming_content]
    assert len(lines) == 4  # header + 3 rows, one chunk each: nothing is gathered in memory


def test_anonymous_export_above_the_limit_is_refused_without_building_it(client, three, no_inline_build):
    response = client.get(reverse("organisations:export", args=["ods"]), {"q": "entreprise"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sans compte, les exports ODS sont limités à 2 lignes" in body
    assert "export.csv?q=entreprise" in body and "Se connecter" in body
    assert not DirectoryExport.objects.exists()


def test_signed_in_export_above_the_limit_is_queued_not_built(
    client, three, no_inline_build, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY_TASKS
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("organisations:export", args=["xlsx"]), {"q": "entreprise"})
    assert [r.task.name for r in default_task_backend.results] == ["build_directory_export"]
    export = DirectoryExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/annuaire/exports/{export.pk}/"
    assert export.user == user and export.status == ExportStatus.PENDING and export.content is None
    page = client.get(response["Location"]).content.decode()
    assert "en préparation" in page and "every 5s" in page
    # Asking again while it is prepared gives the same export, not a second task.
    again = client.get(reverse("organisations:export", args=["xlsx"]), {"q": "entreprise"})
    assert again["Location"] == response["Location"] and DirectoryExport.objects.count() == 1


def test_queued_export_is_built_by_the_task_and_downloaded_by_its_owner_only(
    client, three, settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend runs the task
        response = client.get(reverse("organisations:export", args=["xlsx"]), {"q": "entreprise"})
    export = DirectoryExport.objects.get()
    assert export.status == ExportStatus.READY and export.row_count == 3
    page = client.get(response["Location"]).content.decode()
    assert "de 3 lignes est prêt" in page
    download = client.get(reverse("organisations:export_download", args=[export.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(download.content)).active.values)
    assert sorted(r[2] for r in rows[1:]) == ["Entreprise 0", "Entreprise 1", "Entreprise 2"]
    client.force_login(UserFactory())
    assert client.get(reverse("organisations:export_download", args=[export.pk])).status_code == 404
    assert client.get(reverse("organisations:export_status", args=[export.pk])).status_code == 404


def test_export_above_the_absolute_cap_is_refused_even_signed_in(client, three, monkeypatch, no_inline_build):
    monkeypatch.setattr(exports, "SPREADSHEET_MAX_ROWS", 2)
    client.force_login(UserFactory())
    response = client.get(reverse("organisations:export", args=["xlsx"]))
    assert response.status_code == 400 and "limités à 2 lignes" in response.content.decode()
    assert not DirectoryExport.objects.exists()


def test_expired_exports_are_deleted(client, three, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = DUMMY_TASKS
    user = UserFactory()
    old = DirectoryExport.objects.create(user=user, fmt="xlsx", status=ExportStatus.READY)
    DirectoryExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    client.force_login(user)
    assert client.get(reverse("organisations:export_status", args=[old.pk])).status_code == 404
    client.get(reverse("organisations:export", args=["xlsx"]))
    assert not DirectoryExport.objects.filter(pk=old.pk).exists()
