"""JSON API of the events app (mounted at /api/events/): published events, one event with its
seats, a person's registrations, and an event's attendance for its staff.

Reads go through the same selectors as the pages, so the numbers never drift apart. The API is
read-only: registering and checking in are done on the pages (forms with CSRF protection).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema

from filiere.accounts import permissions
from filiere.core.params import FilterText, RowId, TerritoryCode

from . import selectors
from .models import Event

router = Router(tags=["events"])


class EventRefusalOut(Schema):
    """Refused: not signed in, or not the organiser's staff."""

    detail: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    organiser_id: int
    organiser: str
    commune_code: str | None
    place: str
    online: bool
    region_code: str
    capacity: int | None
    audience: str
    themes: list[str]


def _event(event: Event) -> EventOut:
    return EventOut(
        id=event.pk,
        title=event.title,
        kind=event.kind,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        organiser_id=event.organiser_id,
        organiser=event.organiser.name,
        commune_code=event.commune_id,
        place=event.place_label,
        online=bool(event.online_url),
        region_code=event.region_code,
        capacity=event.capacity,
        audience=event.audience,
        themes=list(event.themes or []),
    )


class EventDetailOut(EventOut):
    seats_left: int | None
    partners: list[str]


class EventFilterIn(Schema):
    past: bool = False
    theme: FilterText = ""
    kind: FilterText = ""
    region: TerritoryCode = ""
    department: TerritoryCode = ""
    organiser: RowId | None = None
    limit: int = 100


@router.get("/events", response=list[EventOut])
def event_list(request: HttpRequest, filters: Query[EventFilterIn]) -> list[EventOut]:
    """Published events, upcoming (soonest first) or past (`past=true`, latest first)."""
    events = selectors.public_events(
        selectors.EventFilters(
            when="past" if filters.past else "upcoming",
            theme=filters.theme,
            kind=filters.kind,
            region=filters.region,
            department=filters.department,
            organiser=filters.organiser,
        )
    )
    return [_event(e) for e in events[: max(1, min(filters.limit, 500))]]


@router.get("/events/{event_id}", response=EventDetailOut)
def event_detail(request: HttpRequest, event_id: int) -> EventDetailOut:
    """One event (a draft only for its organiser's staff)."""
    event = selectors.get_event_for_user(request.user, event_id)
    return EventDetailOut(
        **_event(event).model_dump(),
        seats_left=selectors.seats_left(event),
        partners=[p.name for p in event.partners.order_by("name")],
    )


class AttendanceOut(Schema):
    registered: int
    attended: int
    no_show: int
    waitlisted: int
    cancelled: int


@router.get("/events/{event_id}/attendance", response={200: AttendanceOut, 403: EventRefusalOut})
def event_attendance(request: HttpRequest, event_id: int) -> AttendanceOut:
    """Registered, attended, no-show, waitlisted and cancelled counts (the organiser's staff)."""
    event = selectors.get_event_for_user(request.user, event_id, door=True)
    a = selectors.event_attendance(event)
    return AttendanceOut(
        registered=a.registered,
        attended=a.attended,
        no_show=a.no_show,
        waitlisted=a.waitlisted,
        cancelled=a.cancelled,
    )


class RegistrationOut(Schema):
    id: int
    event_id: int
    event: str
    starts_at: dt.datetime
    status: str
    organisation_id: int | None
    offer_expires_at: dt.datetime | None
    checked_in: bool


@router.get("/registrations", response={200: list[RegistrationOut], 403: EventRefusalOut})
def my_registrations(request: HttpRequest) -> list[RegistrationOut]:
    """The signed-in person's registrations (403 when not signed in)."""
    if not permissions.is_signed_in(request.user):
        raise PermissionDenied("Connectez-vous.")
    return [
        RegistrationOut(
            id=r.pk,
            event_id=r.event_id,
            event=r.event.title,
            starts_at=r.event.starts_at,
            status=r.status,
            organisation_id=r.organisation_id,
            offer_expires_at=r.offer_expires_at,
            checked_in=r.checked_in_at is not None,
        )
        for r in selectors.registrations_of(request.user)
    ]
