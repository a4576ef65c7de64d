"""JSON API of the B2B meetings (mounted at /api/meetings/): a participant's agenda, and for the
organisers a programme's figures and its meetings.

Reads go through the same access functions and selectors as the pages (`get_programme_for_user`,
`participant_of`, `agenda`, `figures`, `programme_meetings`), so the numbers never drift apart:
a programme the person cannot see is 404, an agenda is one's own (404 for anyone else, as the
page), the organisers' reads are 403 for those who see the programme without managing it. Slots
and tables are numbered from 0, as in the command line; read-only (the pages do the writes).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from . import selectors
from .models import Meeting, Participant, Programme

router = Router(tags=["meetings"])


class B2BRefusalOut(Schema):
    """Refused: the person sees the programme but does not organise it."""

    detail: str


class B2BPersonOut(Schema):
    participant_id: int
    name: str
    organisation_id: int | None
    organisation: str | None
    role: str


class B2BAgendaMeetingOut(Schema):
    meeting_id: int
    slot: int
    table: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    other: B2BPersonOut
    reason: str
    attendance: str


class B2BAgendaOut(Schema):
    programme_id: int
    event_id: int
    event: str
    published: bool
    meetings: list[B2BAgendaMeetingOut]


def _person(participant: Participant) -> B2BPersonOut:
    organisation = participant.organisation
    return B2BPersonOut(
        participant_id=participant.pk,
        name=participant.user.get_full_name() or participant.user.username,
        organisation_id=organisation.pk if organisation else None,
        organisation=organisation.name if organisation else None,
        role=participant.role,
    )


@router.get("/programmes/{programme_id}/agenda", response=B2BAgendaOut)
def my_agenda(request: HttpRequest, programme_id: int) -> B2BAgendaOut:
    """The signed-in participant's meetings once the planning is published, in slot order."""
    programme = selectors.get_programme_for_user(request.user, programme_id)
    me = selectors.participant_of(request.user, programme)
    if me is None:
        raise Http404
    return B2BAgendaOut(
        programme_id=programme.pk,
        event_id=programme.event_id,
        event=programme.event.title,
        published=programme.status == "published",
        meetings=[
            B2BAgendaMeetingOut(
                meeting_id=m.pk,
                slot=m.slot,
                table=m.table,
                starts_at=programme.slot_start(m.slot),
                ends_at=programme.slot_end(m.slot),
                other=_person(m.request.recipient if m.request.sender_id == me.pk else m.request.sender),
                reason=m.request.reason,
                attendance=m.attendance,
            )
            for m in selectors.agenda(me)
        ],
    )


class B2BFiguresOut(Schema):
    programme_id: int
    status: str
    locked: bool
    slots: int
    tables: int
    participants: int
    accepted_requests: int
    meetings: int
    per_participant: float
    held: int
    no_shows: int
    no_show_rate: float
    satisfaction: float | None
    last_run_at: dt.datetime | None
    last_run_placed: int
    last_run_upper_bound: int
    last_run_unscheduled: int
    last_run_moved: int
    last_run_seconds: float
    last_run_error: str


def _managed(request: HttpRequest, programme_id: int) -> Programme:
    return selectors.get_programme_for_user(request.user, programme_id, manage=True)


@router.get("/programmes/{programme_id}/figures", response={200: B2BFiguresOut, 403: B2BRefusalOut})
def programme_figures(request: HttpRequest, programme_id: int) -> B2BFiguresOut:
    """The programme's figures and its scheduler's last run, as on the organisers' page."""
    programme = _managed(request, programme_id)
    f = selectors.figures(programme)
    return B2BFiguresOut(
        programme_id=programme.pk,
        status=programme.status,
        locked=programme.locked,
        slots=programme.slots,
        tables=programme.tables,
        participants=f.participants,
        accepted_requests=f.accepted,
        meetings=f.meetings,
        per_participant=f.per_participant,
        held=f.held,
        no_shows=f.no_shows,
        no_show_rate=f.no_show_rate,
        satisfaction=f.satisfaction,
        last_run_at=programme.ran_at,
        last_run_placed=programme.placed,
        last_run_upper_bound=programme.upper_bound,
        last_run_unscheduled=programme.unscheduled,
        last_run_moved=programme.moved,
        last_run_seconds=programme.run_seconds,
        last_run_error=programme.run_error,
    )


class B2BPlannedMeetingOut(Schema):
    meeting_id: int
    request_id: int
    slot: int
    table: int
    starts_at: dt.datetime
    locked: bool
    attendance: str
    sender: B2BPersonOut
    recipient: B2BPersonOut
    priority: int


def _planned(programme: Programme, m: Meeting) -> B2BPlannedMeetingOut:
    return B2BPlannedMeetingOut(
        meeting_id=m.pk,
        request_id=m.request_id,
        slot=m.slot,
        table=m.table,
        starts_at=programme.slot_start(m.slot),
        locked=m.locked,
        attendance=m.attendance,
        sender=_person(m.request.sender),
        recipient=_person(m.request.recipient),
        priority=m.request.priority,
    )


@router.get(
    "/programmes/{programme_id}/meetings", response={200: list[B2BPlannedMeetingOut], 403: B2BRefusalOut}
)
def programme_meetings(request: HttpRequest, programme_id: int) -> list[B2BPlannedMeetingOut]:
    """Every meeting placed, published or not, by slot then table (the table plan)."""
    programme = _managed(request, programme_id)
    return [_planned(programme, m) for m in selectors.programme_meetings(programme)]
