"""Ticket codes: a signed "<registration>-<event>" string shown as a QR code on the ticket.

The code is signed with the site's secret (django.core.signing, its own salt), so a code typed
or printed by someone else fails the check; it names its event, so a ticket of another event is
told apart from a forgery. The QR code holds the check-in page's address with the code: the door
staff scan it with the phone's camera app, which opens the pre-filled check-in form.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlencode

import segno
from django.core import signing
from django.urls import reverse

from filiere.core.mail import absolute_url

SALT = "filiere.events.ticket"


def ticket_code(registration_id: int, event_id: int) -> str:
    return signing.Signer(salt=SALT).sign(f"{registration_id}-{event_id}")


@dataclass(frozen=True)
class TicketCode:
    registration_id: int
    event_id: int


def read_code(code: str) -> TicketCode | None:
    """The ids a code names, or None when it is not one of ours (forged, mistyped)."""
    code = (code or "").strip()
    # A scanned address: keep the code after "code=".
    if "code=" in code:
        code = code.split("code=", 1)[1].split("&", 1)[0]
    code = unquote(code)
    try:
        value = signing.Signer(salt=SALT).unsign(code)
    except signing.BadSignature:
        return None
    registration, _, event = value.partition("-")
    if not (registration.isdigit() and event.isdigit()):
        return None
    return TicketCode(int(registration), int(event))


def check_in_url(event_id: int, code: str) -> str:
    return absolute_url(reverse("events:check_in", args=[event_id]) + "?" + urlencode({"code": code}))


def qr_svg(data: str) -> str:
    """An SVG QR code of `data`, sized by its viewBox (scales with the page), no XML declaration."""
    return segno.make(data, error="m").svg_inline(scale=4, omitsize=True, title="QR code")
