"""Pages of the B2B meetings: who sees what (302 / 404 / 403), the agenda's ICS, English."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from icalendar import Calendar

from filiere.meetings import services
from filiere.meetings.models import Meeting
from filiere.meetings.tests.factories import make_day, person

pytestmark = pytest.mark.django_db


def scheduled_day(django_capture_on_commit_callbacks: Any) -> tuple[Any, Any]:
    day = make_day(suppliers=2)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_request(
            programme=day.programme, by=day.suppliers[0].user, recipient=day.buyer, reason="Jumeau numérique"
        )
        services.answer_request(request=request, by=day.buyer.user, accept=True)
        services.request_schedule(programme=day.programme, by=day.organiser)
    day.programme.refresh_from_db()
    services.publish(programme=day.programme, by=day.organiser)
    return day, request


def test_participants_see_their_agenda_and_ics_others_do_not(
    client, django_capture_on_commit_callbacks
) -> None:
    day, request = scheduled_day(django_capture_on_commit_callbacks)
    agenda = reverse("meetings:agenda", args=[day.programme.pk])
    ics_url = reverse("meetings:agenda_ics", args=[day.programme.pk])
    assert client.get(agenda).status_code == 302  # anonymous → login
    client.force_login(day.suppliers[0].user)
    page = client.get(agenda)
    assert page.status_code == 200 and "Avionneur" in page.content.decode()
    calendar = Calendar.from_ical(client.get(ics_url).content)
    events = calendar.walk("VEVENT")
    meeting = Meeting.objects.get()
    assert len(events) == 1 and events[0].decoded("dtstart") == day.programme.slot_start(
        meeting.slot
    ).replace(microsecond=0)
    client.force_login(day.suppliers[1].user)  # a participant without that meeting
    assert len(Calendar.from_ical(client.get(ics_url).content).walk("VEVENT")) == 0
    stranger, _ = person("Curieux", "Ailleurs")
    client.force_login(stranger)
    assert client.get(agenda).status_code == 404
    assert client.post(reverse("meetings:answer", args=[request.pk]), {"accept": "1"}).status_code == 404
    assert client.get(reverse("meetings:manage", args=[day.programme.pk])).status_code == 403
    assert (
        client.post(reverse("meetings:action", args=[day.programme.pk]), {"action": "run"}).status_code == 403
    )


def test_marketplace_request_and_answer_through_the_pages(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day = make_day(suppliers=1)
    supplier = day.suppliers[0]
    page = reverse("meetings:programme", args=[day.programme.pk])
    client.force_login(supplier.user)
    body = client.get(page).content.decode()
    assert "Avionneur" in body and "Demander un rendez-vous" in body
    response = client.post(
        reverse("meetings:send_request", args=[day.programme.pk]),
        {"recipient": day.buyer.pk, "reason": "Performance industrielle"},
    )
    assert response.status_code == 302
    client.force_login(day.buyer.user)
    body = client.get(page).content.decode()
    assert "Performance industrielle" in body and "Accepter" in body
    request = supplier.sent_requests.get()
    client.post(reverse("meetings:answer", args=[request.pk]), {"accept": "1"})
    request.refresh_from_db()
    assert request.status == "accepted"
    client.force_login(day.organiser)
    manage = client.get(reverse("meetings:manage", args=[day.programme.pk]))
    assert manage.status_code == 200 and "Calculer le planning" in manage.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:action", args=[day.programme.pk]), {"action": "run"})
    plan = client.get(reverse("meetings:plan", args=[day.programme.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert plan.status_code == 200 and Meeting.objects.count() == 1


def test_pages_in_english(client: Any) -> None:
    day = make_day(suppliers=1)
    client.force_login(day.organiser)
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("meetings:manage", args=[day.programme.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Compute the schedule" in body
    body = client.get(reverse("meetings:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "B2B meetings" in body
