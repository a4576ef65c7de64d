"""The JSON API: the same selectors as the pages, rights, and an OpenAPI snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from filiere.core.testing import assert_openapi_snapshot
from filiere.events import services

from .factories import UserFactory, make_event, staff_of

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_events.json"


def test_list_has_published_upcoming_events_only(client: Any) -> None:
    make_event(title="Conext Days", themes=["industrie"])
    make_event(title="Brouillon", is_published=False)
    data = client.get("/api/events/events").json()
    assert [e["title"] for e in data] == ["Conext Days"] and data[0]["themes"] == ["industrie"]


def test_draft_is_404_for_others(client: Any) -> None:
    draft = make_event(is_published=False)
    assert client.get(f"/api/events/events/{draft.pk}").status_code == 404
    client.force_login(staff_of(draft.organiser))
    assert client.get(f"/api/events/events/{draft.pk}").json()["seats_left"] == 10


def test_attendance_for_the_organisers_staff_only(client: Any) -> None:
    event = make_event()
    services.register(event=event, user=UserFactory())
    client.force_login(UserFactory())
    assert client.get(f"/api/events/events/{event.pk}/attendance").status_code == 403
    client.force_login(staff_of(event.organiser))
    assert client.get(f"/api/events/events/{event.pk}/attendance").json()["registered"] == 1


def test_my_registrations(client: Any) -> None:
    assert client.get("/api/events/registrations").status_code == 403
    user = UserFactory()
    services.register(event=make_event(capacity=0), user=user)
    client.force_login(user)
    assert [r["status"] for r in client.get("/api/events/registrations").json()] == ["waitlisted"]


def test_openapi_snapshot(client: Any) -> None:
    assert_openapi_snapshot(client, "/api/events/", SNAPSHOT)
