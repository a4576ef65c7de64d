"""The B2B programme end to end on the database: requests, answers, the scheduler's run, rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from filiere.meetings import selectors, services
from filiere.meetings.models import Meeting, MeetingRequest, ProgrammeStatus, RequestStatus
from filiere.meetings.tests.factories import make_day, person

pytestmark = pytest.mark.django_db


def accepted(day: Any, sender: Any, recipient: Any) -> Any:
    request = services.send_request(
        programme=day.programme, by=sender.user, recipient=recipient, reason="Avion décarboné"
    )
    return services.answer_request(request=request, by=recipient.user, accept=True)


def test_request_accept_schedule_publish_and_agenda(django_capture_on_commit_callbacks: Any) -> None:
    day = make_day(suppliers=3)
    with django_capture_on_commit_callbacks(execute=True):
        for supplier in day.suppliers:
            accepted(day, supplier, day.buyer)
    assert any("Avion décarboné" in m.body for m in mail.outbox)  # the buyer was told
    with django_capture_on_commit_callbacks(execute=True):
        services.request_schedule(programme=day.programme, by=day.organiser)
    day.programme.refresh_from_db()
    assert day.programme.status == ProgrammeStatus.SCHEDULED
    assert day.programme.placed == 3 == day.programme.upper_bound
    slots = sorted(Meeting.objects.values_list("slot", flat=True))
    assert len(set(slots)) == 3  # the buyer meets each supplier in a different slot
    assert selectors.agenda(day.buyer) == []  # not published yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(programme=day.programme, by=day.organiser)
    assert len(selectors.agenda(day.buyer)) == 3
    assert len(mail.outbox) == 4 and all(
        "https://filiere.example/rendez-vous/" in m.body for m in mail.outbox
    )


def test_late_change_keeps_published_meetings_and_tells_those_moved(
    django_capture_on_commit_callbacks,
) -> None:
    day = make_day(suppliers=4, slots=4, tables=2)
    with django_capture_on_commit_callbacks(execute=True):
        for supplier in day.suppliers[:3]:
            accepted(day, supplier, day.buyer)
        services.request_schedule(programme=day.programme, by=day.organiser)
    day.programme.refresh_from_db()
    services.publish(programme=day.programme, by=day.organiser)
    before = dict(Meeting.objects.values_list("request_id", "slot"))
    # a supplier cancels, another request arrives through the organiser
    services.cancel_participation(participant=day.suppliers[0], by=day.suppliers[0].user)
    services.add_request(
        programme=day.programme, by=day.organiser, sender=day.suppliers[3], recipient=day.buyer, reason=""
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_schedule(programme=day.programme, by=day.organiser)
    after = dict(Meeting.objects.values_list("request_id", "slot"))
    kept = [rid for rid in before if rid in after]
    assert len(kept) == 2 and all(after[rid] == before[rid] for rid in kept)
    assert len(after) == 3
    day.programme.refresh_from_db()
    assert day.programme.status == ProgrammeStatus.PUBLISHED and day.programme.moved == 0
    assert mail.outbox == []  # nobody moved: nobody told


def test_refusals_name_the_field() -> None:
    day = make_day(suppliers=2)
    supplier = day.suppliers[0]
    with pytest.raises(ValidationError, match="vous-même"):
        services.send_request(programme=day.programme, by=supplier.user, recipient=supplier, reason="x")
    with pytest.raises(ValidationError, match="pourquoi"):
        services.send_request(programme=day.programme, by=supplier.user, recipient=day.buyer, reason="  ")
    services.send_request(programme=day.programme, by=supplier.user, recipient=day.buyer, reason="R&D")
    with pytest.raises(ValidationError, match="existe déjà"):
        services.send_request(programme=day.programme, by=day.buyer.user, recipient=supplier, reason="R&D")
    with pytest.raises(ValidationError, match="hors du programme"):
        services.join(programme=day.programme, user=supplier.user, role="supplier", unavailable_slots=[9])
    outsider, _ = person("Intrus", "Ailleurs")
    with pytest.raises(ValidationError, match="Inscrivez-vous"):
        services.join(programme=day.programme, user=outsider, role="supplier")
    with pytest.raises(PermissionDenied):
        services.send_request(programme=day.programme, by=outsider, recipient=day.buyer, reason="x")
    request = MeetingRequest.objects.get()
    with pytest.raises(PermissionDenied):  # only the recipient answers
        services.answer_request(request=request, by=supplier.user, accept=True)
    day.programme.requests_close_at = timezone.now() - dt.timedelta(minutes=1)
    day.programme.save()
    with pytest.raises(ValidationError, match="closes"):
        services.answer_request(request=request, by=day.buyer.user, accept=True)
    assert MeetingRequest.objects.get().status == RequestStatus.PENDING


def test_programme_without_tables_is_refused_and_a_bad_instance_writes_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    day = make_day(suppliers=2)
    with pytest.raises(ValidationError) as error:
        services.update_programme(
            by=day.organiser, programme=day.programme, slots=4, tables=0, slot_minutes=20,
            first_slot_at=day.programme.first_slot_at, requests_close_at=day.programme.requests_close_at,
        )  # fmt: skip
    assert "tables" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        accepted(day, day.suppliers[0], day.buyer)
        services.request_schedule(programme=day.programme, by=day.organiser)
    assert Meeting.objects.count() == 1
    # a participant's availability edited out of range behind the services' back
    day.buyer.unavailable_slots = [99]
    day.buyer.save()
    accepted(day, day.suppliers[1], day.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_schedule(programme=day.programme, by=day.organiser)
    day.programme.refresh_from_db()
    assert "créneau 99 hors de 0..3" in day.programme.run_error
    assert Meeting.objects.count() == 1  # the previous planning stays, nothing half-written


def test_organiser_rights_and_locked_programme() -> None:
    day = make_day(suppliers=1)
    with pytest.raises(PermissionDenied):
        services.request_schedule(programme=day.programme, by=day.buyer.user)
    with pytest.raises(PermissionDenied):
        services.publish(programme=day.programme, by=day.buyer.user)
    services.set_locked(programme=day.programme, by=day.organiser, locked=True)
    with pytest.raises(ValidationError, match="verrouillé"):
        services.request_schedule(programme=day.programme, by=day.organiser)


def test_day_figures_attendance_and_ratings(django_capture_on_commit_callbacks: Any) -> None:
    day = make_day(suppliers=2)
    with django_capture_on_commit_callbacks(execute=True):
        for supplier in day.suppliers:
            accepted(day, supplier, day.buyer)
        services.request_schedule(programme=day.programme, by=day.organiser)
    first, second = Meeting.objects.order_by("slot")
    services.mark_attendance(meeting=first, by=day.organiser, attendance="held")
    services.mark_attendance(meeting=second, by=day.organiser, attendance="no_show")
    services.rate(meeting=first, by=first.request.sender.user, rating=4)
    services.rate(meeting=first, by=day.buyer.user, rating=5)
    with pytest.raises(PermissionDenied):
        services.rate(meeting=first, by=day.organiser, rating=3)
    services.check_in(participant=day.buyer, by=day.organiser)
    figures = selectors.figures(day.programme)
    assert (figures.participants, figures.meetings, figures.held, figures.no_shows) == (3, 2, 1, 1)
    assert figures.no_show_rate == 0.5 and figures.satisfaction == 4.5
    assert figures.per_participant == round(4 / 3, 1)
