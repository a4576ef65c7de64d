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

from filiere.events.models import Event
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
    "language, summary, note",
    [
        (
            "fr",
            "Inscriptions à l'événement : 0 ajoutées, 1 en liste d'attente, 0 déjà inscrites, 0 non inscrites",
            "Événement complet : ana@example.org est inscrit en liste d'attente",
        ),
        (
            "en",
            "Registrations for the event: 0 added, 1 on the waiting list, 0 already registered, 0 not registered",
            "Event full: ana@example.org is on the waiting list",
        ),
    ],
)
def test_import_page_reports_the_registrations_for_the_event(
    client: Any, django_capture_on_commit_callbacks: Any, language: str, summary: str, note: str
) -> None:
    day, _request = scheduled_day(django_capture_on_commit_callbacks)
    Event.objects.filter(pk=day.programme.event_id).update(capacity=1)
    person("Ana", "Firme A")
    client.force_login(day.organiser)
    client.cookies["django_language"] = language
    upload = SimpleUploadedFile("forum.csv", "email;rôle\nana@example.org;fournisseur\n".encode())
    page = client.post(reverse("meetings:import", args=[day.programme.pk]), {"fichier": upload})
    html = page.content.decode().replace("&#x27;", "'")
    assert summary in html and note in html
