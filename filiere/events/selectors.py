"""Reads of the events app shared by pages, API, feeds and other apps, and its access functions.

Rights (docs/events.md): a published event is public; a draft is seen only by those who may
edit its organiser (`organisations.permissions.may_edit_organisation`: its editors and admins,
regional staff of its region, platform staff), who also edit it and see its registrations.
The door staff are every member of the organiser (volunteers are often plain members) plus
those editors. A registration is its person's own; the organiser's staff see it in their lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import Role
from filiere.core.params import parse_int
from filiere.core.text import fold
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Organisation

from .models import ACTIVE_STATUSES, CalendarFeed, Event, Registration, RegistrationStatus

DOOR_ROLES = (Role.MEMBER, Role.EDITOR, Role.ADMIN)


# --- Rights --------------------------------------------------------------------------------


def may_edit_event(user: Any, event: Event) -> bool:
    """Edit the event and see its registrations: whoever may edit its organiser."""
    return organisation_permissions.may_edit_organisation(user, event.organiser_id)


def may_check_in(user: Any, event: Event) -> bool:
    """Record arrivals at the door: any member of the organiser, or whoever may edit it."""
    return permissions.has_role(user, event.organiser_id, DOOR_ROLES) or may_edit_event(user, event)


def may_see_event(user: Any, event: Event) -> bool:
    return event.is_published or may_check_in(user, event)


def organisations_for_events(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may create events for (see `may_edit_event`)."""
    return organisation_permissions.organisations_editable_by(user).order_by("name")


def get_event_for_user(user: Any, pk: int, *, manage: bool = False, door: bool = False) -> Event:
    """The event `pk` as `user` may see it: 404 when hidden (a draft of another organiser),
    403 when seen but `manage` (edit) or `door` (check-in) is asked and not allowed."""
    number = parse_int(pk, minimum=1)
    event = Event.objects.select_related("organiser", "commune").filter(pk=number).first() if number else None
    if event is None or not may_see_event(user, event):
        raise Http404
    if manage and not may_edit_event(user, event):
        raise PermissionDenied
    if door and not may_check_in(user, event):
        raise PermissionDenied
    return event


def get_registration_for_user(user: Any, pk: int) -> Registration:
    """The person's own registration `pk` (404 for anyone else, the organiser's staff included:
    they act on it from the event's list)."""
    number = parse_int(pk, minimum=1)
    if not permissions.is_signed_in(user) or number is None:
        raise Http404
    registration = (
        Registration.objects.select_related("event", "event__organiser", "event__commune", "organisation")
        .filter(pk=number, user=user)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def firms_for_registration(user: Any) -> QuerySet[Organisation]:
    """The organisations a person may register for: those they belong to."""
    return Organisation.objects.filter(pk__in=permissions.organisation_ids_of(user)).order_by("name")


# --- Lists ---------------------------------------------------------------------------------


@dataclass
class EventFilters:
    when: str = "upcoming"  # upcoming | past
    q: str = ""
    theme: str = ""
    kind: str = ""
    region: str = ""
    department: str = ""
    organiser: int | None = None
    online: bool = False


def public_events(filters: EventFilters) -> QuerySet[Event]:
    """Published events matching `filters`: upcoming soonest first, past latest first."""
    events = Event.objects.published().select_related("organiser", "commune")
    if filters.when == "past":
        events = events.past().order_by("-starts_at", "-pk")
    else:
        events = events.upcoming().order_by("starts_at", "pk")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.region:
        events = events.filter(region_code=filters.region)
    if filters.department:
        events = events.filter(department_code=filters.department)
    if filters.organiser:
        events = events.filter(Q(organiser_id=filters.organiser) | Q(partners=filters.organiser)).distinct()
    if filters.online:
        events = events.exclude(online_url="")
    if filters.theme:
        # Themes are a short JSON list: matched in Python to stay portable (SQLite / PostgreSQL).
        wanted = fold(filters.theme)
        ids = [pk for pk, themes in events.values_list("pk", "themes") if wanted in map(fold, themes or [])]
        events = events.filter(pk__in=ids)
    if filters.q:
        for word in filters.q.split():
            events = events.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return events


def theme_choices() -> list[str]:
    """Every theme of a published event, sorted."""
    themes: set[str] = set()
    for row in Event.objects.published().values_list("themes", flat=True):
        themes.update(row or [])
    return sorted(themes, key=fold)


def events_organised_by(user: Any) -> QuerySet[Event]:
    """Events of the organisations where `user` is door staff or editor, newest first."""
    if not permissions.is_signed_in(user):
        return Event.objects.none()
    org_ids = permissions.organisation_ids_of(user, DOOR_ROLES)
    return (
        Event.objects.filter(organiser_id__in=org_ids)
        .select_related("organiser", "commune")
        .order_by("-starts_at", "-pk")
    )


def registrations_of(user: Any) -> QuerySet[Registration]:
    """A person's registrations, upcoming events first."""
    if not permissions.is_signed_in(user):
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__organiser", "event__commune", "organisation")
        .order_by("-event__starts_at", "-pk")
    )


def active_registration(user: Any, event: Event) -> Registration | None:
    if not permissions.is_signed_in(user):
        return None
    return Registration.objects.filter(user=user, event=event, status__in=ACTIVE_STATUSES).first()


def event_registrations(event: Event) -> QuerySet[Registration]:
    """The event's registrations in arrival order (for its staff)."""
    return event.registrations.select_related("user", "organisation").order_by("sequence")


def waitlist(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("sequence")


def seats_taken(event: Event) -> int:
    """Confirmed seats plus seats offered and not yet answered."""
    return event.registrations.filter(
        status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
    ).count()


def seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


# --- Figures -------------------------------------------------------------------------------


@dataclass
class Attendance:
    registered: int
    attended: int
    no_show: int
    waitlisted: int
    cancelled: int

    @property
    def rate(self) -> float | None:
        """Share of the confirmed who came, once the event is over."""
        done = self.attended + self.no_show
        return self.attended / done if done else None


def _attendance_aggregate(registrations: QuerySet[Registration], now: dt.datetime) -> dict[str, int]:
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    return registrations.aggregate(
        registered=Count("pk", filter=confirmed),
        attended=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        no_show=Count("pk", filter=confirmed & Q(checked_in_at__isnull=True, event__ends_at__lt=now)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
    )


def event_attendance(event: Event) -> Attendance:
    """Registered (confirmed), attended (checked in), no-show (confirmed, not checked in, once
    the event has ended), waitlisted and cancelled counts."""
    return Attendance(**_attendance_aggregate(event.registrations.all(), timezone.now()))


@dataclass
class YearFigures:
    year: int
    events: int
    attendance: Attendance


def yearly_figures(organisation: Organisation | int) -> list[YearFigures]:
    """Per year, for the events an organisation ran: how many, and their attendance."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    now = timezone.now()
    events = Event.objects.filter(organiser_id=org_id, cancelled_at__isnull=True)
    years = sorted({d.year for d in events.values_list("starts_at", flat=True)}, reverse=True)
    result = []
    for year in years:
        in_year = events.filter(starts_at__year=year)
        registrations = Registration.objects.filter(event__in=in_year)
        result.append(
            YearFigures(year, in_year.count(), Attendance(**_attendance_aggregate(registrations, now)))
        )
    return result


def events_per_year(region_code: str, year: int) -> int:
    """Events and communication/training operations held in a region in `year` (published, not
    cancelled): the BFC roadmap indicator."""
    return (
        Event.objects.published()
        .filter(region_code=region_code, cancelled_at__isnull=True, starts_at__year=year)
        .count()
    )


def attendance_for_siren(siren: str) -> list[dict[str, Any]]:
    """The events people of the firm `siren` attended (checked in at the door): the events' part
    of the firm's support history (`AppConfig.support_history`, read by `support`).

    Only attendance counts: a registration or a no-show is no support given, and an entry naming
    the organiser lets its staff see the firm's history (support's rule).
    Each entry: `date`, `kind`, `label` (the event's title and type), `provider` (the organiser),
    plus `event_id`.
    """
    rows = (
        Registration.objects.filter(
            organisation__siren=siren, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
        )
        .select_related("event", "event__organiser")
        .order_by("-event__starts_at")
    )
    return [
        {
            "date": r.event.starts_at,
            "kind": _("Participation à un événement"),
            "label": f"{r.event.title} ({r.event.get_kind_display()})",
            "provider": r.event.organiser,
            "provider_id": r.event.organiser_id,
            "event_id": r.event_id,
        }
        for r in rows
    ]


# --- Calendar feeds ------------------------------------------------------------------------


def feed_events(feed: CalendarFeed) -> list[tuple[Event, bool]]:
    """The events of a feed with whether the online link may go in: an organisation's events
    (all, drafts excepted) or a person's confirmed registrations, from 90 days back."""
    since = timezone.now() - dt.timedelta(days=90)
    if feed.organisation_id:
        events = Event.objects.filter(
            organiser_id=feed.organisation_id, is_published=True, ends_at__gte=since
        )
        return [(e, True) for e in events.select_related("commune")]
    registrations = Registration.objects.filter(
        user=feed.user, status=RegistrationStatus.CONFIRMED, event__ends_at__gte=since
    ).select_related("event", "event__commune")
    return [(r.event, True) for r in registrations]


def get_feed(token: str) -> CalendarFeed:
    feed = CalendarFeed.objects.select_related("organisation", "user").filter(token=token).first()
    if feed is None or (feed.user is not None and not feed.user.is_active):
        raise Http404
    return feed
