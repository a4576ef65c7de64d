"""The pages that take or give files: the organisers' import page, the agenda and the table
plan as PDF (who may, and what is in them)."""

from __future__ import annotations

import base64
import re
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filiere.core.models import ImportRun
from filiere.events import services as events_services
from filiere.events.models import Event, Registration
from filiere.meetings import importers, tasks
from filiere.meetings.models import Meeting, Participant
from filiere.meetings.tests.factories import person
from filiere.meetings.tests.test_views import scheduled_day

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text drawn in a reportlab PDF (its page streams: ASCII85 then Flate; strings in
    WinAnsi with octal escapes), one line per text run."""
    assert content.startswith(b"%PDF")
    runs = []
    for stream in re.findall(rb"stream\r?\n(.*?~>)\s*endstream", content, re.S):
        drawn = zlib.decompress(base64.a85decode(stream, adobe=True))
        for text in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", drawn, re.S):
            text = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), text)
            runs.append(re.sub(rb"\\(.)", rb"\1", text).decode("cp1252"))
    return "\n".join(runs)


def test_import_page_is_the_organisers_and_shows_the_report_by_line(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    url = reverse("meetings:import", args=[day.programme.pk])
    client.force_login(day.organiser)
    manage = client.get(reverse("meetings:manage", args=[day.programme.pk])).content.decode()
    assert url in manage
    assert client.get(url).status_code == 200
    person("Ana", "Firme A")
    upload = SimpleUploadedFile(
        "forum.csv",
        "email;rôle;indisponibilités\nana@example.org;fournisseur;1\nnul@example.org;acheteur;\n".encode(),
    )
    page = client.post(url, {"fichier": upload}).content.decode()
    assert "1 lignes ajoutées, 0 mises à jour, 0 inchangées, 1 rejetées." in page
    assert "nul@example.org" in page and "<td>3</td>" in page
    assert Participant.objects.filter(user__email="ana@example.org", programme=day.programme).exists()
    assert "forum.csv" in client.get(url).content.decode()  # the last runs
    client.force_login(day.buyer.user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"fichier": SimpleUploadedFile("x.csv", b"email\n")}).status_code == 403


def test_import_without_a_file_says_so(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    client.force_login(day.organiser)
    page = client.post(reverse("meetings:import", args=[day.programme.pk]), {}, follow=True)
    assert "Choisissez un fichier CSV ou XLSX" in page.content.decode()


def test_agenda_pdf_lists_ones_meeting_for_the_participants_only(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day, request = scheduled_day(django_capture_on_commit_callbacks)
    url = reverse("meetings:agenda_pdf", args=[day.programme.pk])
    assert client.get(url).status_code == 302
    client.force_login(day.buyer.user)
    assert url in client.get(reverse("meetings:agenda", args=[day.programme.pk])).content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    meeting = Meeting.objects.get()
    assert "ESN 0" in text and "Jumeau numérique" in text and f"{meeting.table + 1}" in text
    client.force_login(day.suppliers[1].user)  # takes part, no meeting
    assert "Aucun rendez-vous" in pdf_text(client.get(url).content)
    stranger, _ = person("Curieux", "Ailleurs")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_table_plan_pdf_for_the_organisers(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    url = reverse("meetings:plan_pdf", args=[day.programme.pk])
    client.force_login(day.organiser)
    text = pdf_text(client.get(url).content)
    assert "Avionneur" in text and "ESN 0" in text and "1 rendez-vous" in text
    client.force_login(day.buyer.user)
    assert client.get(url).status_code == 403


def test_import_page_and_its_report_in_english(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    client.force_login(day.organiser)
    client.cookies["django_language"] = "en"
    url = reverse("meetings:import", args=[day.programme.pk])
    assert "File format" in client.get(url).content.decode()
    upload = SimpleUploadedFile("forum.csv", b"email;role\nnul@example.org;acheteur\n")
    page = client.post(url, {"fichier": upload}).content.decode()
    assert "0 lines added, 0 updated, 0 unchanged, 1 rejected." in page
    assert "No Filière account for nul@example.org" in page


@pytest.mark.parametrize(
    "language, pending, summary, note",
    [
        (
            "fr",
            "Inscriptions à l'événement : en cours…",
            "Inscriptions à l'événement : 0 ajoutées, 1 en liste d'attente, 3 déjà inscrites, 0 non inscrites",
            "Événement complet : ana@example.org est inscrit en liste d'attente",
        ),
        (
            "en",
            "Registrations for the event: in progress…",
            "Registrations for the event: 0 added, 1 on the waiting list, 3 already registered, 0 not registered",
            "Event full: ana@example.org is on the waiting list",
        ),
    ],
)
def test_import_page_shows_the_registrations_pending_then_their_outcome(
    client: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
    language: str,
    pending: str,
    summary: str,
    note: str,
) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    Event.objects.filter(pk=day.programme.event_id).update(capacity=1)
    ana, _ = person("Ana", "Firme A")
    client.force_login(day.organiser)
    client.cookies["django_language"] = language
    url = reverse("meetings:import", args=[day.programme.pk])

    def not_in_the_request(**kwargs: Any) -> None:
        raise AssertionError("events.services.register called in the request")

    monkeypatch.setattr(events_services, "register", not_in_the_request)
    upload = SimpleUploadedFile("forum.csv", "email;rôle\nana@example.org;fournisseur\n".encode())
    with django_capture_on_commit_callbacks() as queued:
        page = client.post(url, {"fichier": upload})
    html = page.content.decode().replace("&#x27;", "'")
    assert pending in html and summary not in html and 'hx-trigger="every 5s"' in html
    assert not Registration.objects.filter(user=ana).exists()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:  # the task, run by the immediate backend
            callback()
    assert Registration.objects.get(user=ana).status == "waitlisted"
    html = client.get(url).content.decode().replace("&#x27;", "'")
    assert summary in html and note in html and pending not in html and "every 5s" not in html


def test_the_import_request_only_enqueues_the_registrations_task(
    client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django_tasks import task_backends
    from django_tasks.backends.dummy import DummyBackend

    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    ana, _ = person("Ana", "Firme A")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(day.organiser)
    url = reverse("meetings:import", args=[day.programme.pk])
    upload = SimpleUploadedFile("forum.csv", "email;rôle\nana@example.org;fournisseur\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"fichier": upload})
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    [queued] = [r for r in backend.results if r.task.name == "register_imported_participants"]
    assert list(queued.args) == [day.programme.pk, ImportRun.objects.get(kind=importers.RUN_KIND).pk]
    assert not Registration.objects.filter(user=ana).exists()  # until the worker runs it
    assert "en cours…" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.register_imported_participants.call(*queued.args)
    assert Registration.objects.get(user=ana).status == "confirmed"
    html = client.get(url).content.decode().replace("&#x27;", "'")
    assert "Inscriptions à l'événement : 1 ajoutées, 0 en liste d'attente, 3 déjà inscrites" in html
