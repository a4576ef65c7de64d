"""A participant's agenda as iCalendar: one VEVENT per meeting (who, where, which table)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent

from filiere.core.mail import absolute_url

from .models import Meeting, Participant, Programme


def agenda(programme: Programme, me: Participant, meetings: list[Meeting]) -> bytes:
    host = urlsplit(settings.SITE_URL).hostname or "filiere"
    cal = Calendar()
    cal.add("prodid", "-//Filière//meetings//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", programme.event.title)
    page = absolute_url(reverse("meetings:agenda", args=[programme.pk]))
    for meeting in meetings:
        other = meeting.request.recipient if meeting.request.sender_id == me.pk else meeting.request.sender
        vevent = IcsEvent()
        vevent.add("uid", f"meeting-{meeting.request_id}@{host}")
        vevent.add("dtstamp", timezone.now())
        vevent.add("dtstart", programme.slot_start(meeting.slot))
        vevent.add("dtend", programme.slot_end(meeting.slot))
        vevent.add("summary", _("Rendez-vous avec %(who)s") % {"who": other.label})
        vevent.add("location", f"{programme.event.venue} — " + _("table %(n)s") % {"n": meeting.table + 1})
        vevent.add("description", f"{meeting.request.reason}\n{page}")
        vevent.add("url", page)
        cal.add_component(vevent)
    return cal.to_ical()
