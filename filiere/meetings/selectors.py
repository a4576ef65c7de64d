"""Reads and access functions of the B2B meetings (docs/meetings.md, "Rights").

The programme is seen by whoever sees its event (`events.selectors.get_event_for_user`); it is
managed by whoever manages the event (its organiser's editors, regional and platform staff). A
participant sees the participants' list (the marketplace), their own requests and their agenda;
a request or a meeting is seen by its two people and the organisers, hidden (404) from others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from filiere.accounts import permissions
from filiere.events import selectors as events_selectors

from .models import Attendance, Meeting, MeetingRequest, Participant, Programme, ProgrammeStatus


def may_manage(user: Any, programme: Programme) -> bool:
    return events_selectors.may_edit_event(user, programme.event)


def get_programme_for_user(user: Any, pk: int, *, manage: bool = False) -> Programme:
    programme = Programme.objects.select_related("event", "event__organiser").filter(pk=pk).first()
    if programme is None or not events_selectors.may_see_event(user, programme.event):
        raise Http404
    if manage and not may_manage(user, programme):
        raise PermissionDenied
    return programme


def participant_of(user: Any, programme: Programme) -> Participant | None:
    if not permissions.is_signed_in(user):
        return None
    return (
        Participant.objects.select_related("organisation", "user")
        .filter(programme=programme, user=user, cancelled_at__isnull=True)
        .first()
    )


def get_request_for_user(user: Any, pk: int) -> MeetingRequest:
    """A request, for its two people and the organisers; 404 for anyone else."""
    found = (
        MeetingRequest.objects.select_related("programme__event", "sender__user", "recipient__user")
        .filter(pk=pk)
        .first()
    )
    if found is None or not permissions.is_signed_in(user):
        raise Http404
    if user.pk in (found.sender.user_id, found.recipient.user_id) or may_manage(user, found.programme):
        return found
    raise Http404


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    found = Meeting.objects.select_related("request__programme__event").filter(pk=pk).first()
    if found is None:
        raise Http404
    get_request_for_user(user, found.request_id)
    return found


def programme_for_event(event: Any) -> Programme | None:
    return Programme.objects.filter(event=event).first()


def active_participants(programme: Programme) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(programme=programme, cancelled_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "pk")
    )


def requests_of(participant: Participant) -> QuerySet[MeetingRequest]:
    return (
        MeetingRequest.objects.filter(Q(sender=participant) | Q(recipient=participant))
        .select_related("sender__user", "sender__organisation", "recipient__user", "recipient__organisation")
        .order_by("-created_at")
    )


def programme_requests(programme: Programme) -> QuerySet[MeetingRequest]:
    return (
        MeetingRequest.objects.filter(programme=programme)
        .select_related("sender__user", "sender__organisation", "recipient__user", "recipient__organisation")
        .order_by("status", "-created_at")
    )


def agenda(participant: Participant, *, include_unpublished: bool = False) -> list[Meeting]:
    """The participant's meetings in slot order (published ones only, unless asked)."""
    programme = participant.programme
    if programme.status != ProgrammeStatus.PUBLISHED and not include_unpublished:
        return []
    return list(
        Meeting.objects.filter(Q(request__sender=participant) | Q(request__recipient=participant))
        .select_related(
            "request__sender__user",
            "request__sender__organisation",
            "request__recipient__user",
            "request__recipient__organisation",
        )  # fmt: skip
        .order_by("slot")
    )


def programme_meetings(programme: Programme) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(request__programme=programme)
        .select_related(
            "request__sender__user",
            "request__sender__organisation",
            "request__recipient__user",
            "request__recipient__organisation",
        )  # fmt: skip
        .order_by("slot", "table")
    )


def table_plan(programme: Programme) -> list[tuple[int, list[Meeting | None]]]:
    """Rows of (slot, one cell per table: the meeting there or None)."""
    grid: list[list[Meeting | None]] = [[None] * programme.tables for _ in range(programme.slots)]
    for meeting in programme_meetings(programme):
        if meeting.slot < programme.slots and meeting.table < programme.tables:
            grid[meeting.slot][meeting.table] = meeting
    return list(enumerate(grid))


@dataclass(frozen=True)
class Figures:
    participants: int
    accepted: int
    meetings: int
    held: int
    no_shows: int
    per_participant: float
    no_show_rate: float  # share of the recorded meetings (held or missed)
    satisfaction: float | None  # mean of the ratings given (1–5)


def figures(programme: Programme) -> Figures:
    participants = active_participants(programme).count()
    accepted = MeetingRequest.objects.filter(programme=programme, status="accepted").count()
    meetings = list(programme_meetings(programme))
    held = sum(1 for m in meetings if m.attendance == Attendance.HELD)
    missed = sum(1 for m in meetings if m.attendance == Attendance.NO_SHOW)
    ratings = [r for m in meetings for r in (m.sender_rating, m.recipient_rating) if r]
    return Figures(
        participants=participants,
        accepted=accepted,
        meetings=len(meetings),
        held=held,
        no_shows=missed,
        per_participant=round(2 * len(meetings) / participants, 1) if participants else 0.0,
        no_show_rate=round(missed / (held + missed), 3) if held + missed else 0.0,
        satisfaction=round(sum(ratings) / len(ratings), 1) if ratings else None,
    )


def programmes_of(user: Any) -> QuerySet[Programme]:
    """Programmes where `user` takes part."""
    if not permissions.is_signed_in(user):
        return Programme.objects.none()
    ids = Participant.objects.filter(user=user, cancelled_at__isnull=True).values("programme_id")
    return Programme.objects.filter(pk__in=ids).select_related("event").order_by("first_slot_at")


def programmes_managed_by(user: Any) -> list[Programme]:
    if not permissions.is_signed_in(user):
        return []
    return [
        p
        for p in Programme.objects.select_related("event").order_by("-first_slot_at")[:200]
        if may_manage(user, p)
    ]


def programmes_open_to(user: Any) -> QuerySet[Programme]:
    """Programmes of the events `user` registered for, where they do not take part yet."""
    if not permissions.is_signed_in(user):
        return Programme.objects.none()
    event_ids = events_selectors.registrations_of(user).values("event_id")
    return (
        Programme.objects.filter(event_id__in=event_ids)
        .exclude(pk__in=programmes_of(user).values("pk"))
        .select_related("event")
        .order_by("first_slot_at")
    )


def events_without_programme(user: Any) -> list[Any]:
    """Upcoming events `user` manages that have no B2B programme yet."""
    events = events_selectors.events_organised_by(user).filter(b2b_programme__isnull=True)[:50]
    return [e for e in events if events_selectors.may_edit_event(user, e) and not e.is_past]
