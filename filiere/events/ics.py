"""iCalendar (RFC 5545) for events: one event attached to a confirmation, feeds of many.

Each event keeps one UID (`event-<pk>@<site host>`), so a calendar that imported the
confirmation updates the same entry from a feed. The online link goes in LOCATION (when there is
no place), URL and DESCRIPTION, since calendar apps show one or the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from filiere.core.mail import absolute_url

from .models import Event

PRODID = "-//Filière//events//FR"


def _uid(event: Event) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "filiere"
    return f"event-{event.pk}@{host}"


def _vevent(event: Event, *, with_online_link: bool) -> IcsEvent:
    vevent = IcsEvent()
    vevent.add("uid", _uid(event))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.title)
    page = absolute_url(reverse("events:detail", args=[event.pk]))
    description = [event.description.strip()] if event.description.strip() else []
    location = event.place_label
    if with_online_link and event.online_url:
        description.append(event.online_url)
        location = location or event.online_url
        vevent.add("url", event.online_url)
    else:
        vevent.add("url", page)
    description.append(page)
    vevent.add("description", "\n\n".join(description))
    if location:
        vevent.add("location", location)
    vevent.add("organizer", f"MAILTO:{settings.DEFAULT_FROM_EMAIL}", parameters={"CN": event.organiser.name})
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    return vevent


def calendar(entries: Iterable[tuple[Event, bool]], *, name: str = "") -> bytes:
    """An ICS document with one VEVENT per (event, whether to include its online link)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event, with_online_link in entries:
        cal.add_component(_vevent(event, with_online_link=with_online_link))
    return cal.to_ical()


def event_ics(event: Event, *, with_online_link: bool) -> str:
    """The ICS text of one event (the attachment of a confirmation mail)."""
    return calendar([(event, with_online_link)]).decode()
