"""The JSON API: the same access functions and selectors as the pages, and an OpenAPI snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from filiere.core.testing import assert_openapi_snapshot
from filiere.meetings import selectors, services
from filiere.meetings.models import Meeting
from filiere.meetings.tests.factories import person
from filiere.meetings.tests.test_views import scheduled_day

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_meetings.json"


def test_agenda_is_ones_own(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    day, request = scheduled_day(django_capture_on_commit_callbacks)
    url = f"/api/meetings/programmes/{day.programme.pk}/agenda"
    assert client.get(url).status_code == 404  # anonymous: no agenda
    client.force_login(day.buyer.user)
    body = client.get(url).json()
    meeting = Meeting.objects.get()
    assert body["published"] is True
    [row] = body["meetings"]
    assert (row["meeting_id"], row["slot"], row["table"], row["reason"]) == (
        meeting.pk,
        meeting.slot,
        meeting.table,
        "Jumeau numérique",
    )
    assert row["other"]["participant_id"] == day.suppliers[0].pk and row["other"]["organisation"] == "ESN 0"
    client.force_login(day.suppliers[1].user)
    assert client.get(url).json()["meetings"] == []
    services.unpublish(programme=day.programme, by=day.organiser)
    client.force_login(day.buyer.user)
    assert client.get(url).json() == {**body, "published": False, "meetings": []}
    stranger, _ = person("Curieux", "Ailleurs")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get("/api/meetings/programmes/999999/agenda").status_code == 404


def test_figures_and_meetings_for_the_organisers_only(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day, request = scheduled_day(django_capture_on_commit_callbacks)
    figures_url = f"/api/meetings/programmes/{day.programme.pk}/figures"
    meetings_url = f"/api/meetings/programmes/{day.programme.pk}/meetings"
    client.force_login(day.organiser)
    body = client.get(figures_url).json()
    f = selectors.figures(day.programme)
    assert (
        (body["participants"], body["accepted_requests"], body["meetings"], body["per_participant"])
        == (f.participants, f.accepted, f.meetings, f.per_participant)
        == (3, 1, 1, 0.7)
    )
    assert (
        body["last_run_placed"] == 1 and body["last_run_upper_bound"] == 1 and body["status"] == "published"
    )
    [row] = client.get(meetings_url).json()
    assert row["request_id"] == request.pk and row["sender"]["participant_id"] == day.suppliers[0].pk
    client.force_login(day.buyer.user)  # a participant sees the programme, does not organise it
    assert client.get(figures_url).status_code == 403
    assert client.get(meetings_url).status_code == 403
    client.logout()
    assert client.get(meetings_url).status_code == 403


def test_openapi_snapshot(client: Any) -> None:
    assert_openapi_snapshot(client, "/api/meetings/", SNAPSHOT)
