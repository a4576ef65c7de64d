"""The events section of the personal space: my registrations and tickets, events I organise."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from . import selectors
from .models import RegistrationStatus


def section(user: Any) -> SpaceSection:
    """Links for a signed-in person: their registrations (offers waiting for an answer counted),
    the next tickets, and the events of the organisations where they are staff."""
    registrations = selectors.registrations_of(user).filter(event__ends_at__gte=timezone.now())
    offered = registrations.filter(status=RegistrationStatus.OFFERED).count()
    links = [
        SpaceLink(
            _("Mes inscriptions et billets"),
            reverse("events:my_registrations"),
            count=offered or None,
            description=_("Places proposées à confirmer, billets, annulation, agenda personnel."),
        )
    ]
    for registration in registrations.filter(status=RegistrationStatus.CONFIRMED).order_by(
        "event__starts_at"
    )[:3]:
        links.append(
            SpaceLink(
                _("Billet : %(title)s") % {"title": registration.event.title},
                reverse("events:ticket", args=[registration.pk]),
            )
        )
    organised = selectors.events_organised_by(user)
    if organised.exists():
        links.append(
            SpaceLink(
                _("Événements que j'organise"),
                reverse("events:my_events"),
                description=_("Inscrits, accueil des participants, bilan par année."),
            )
        )
        for event in organised.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:3]:
            links.append(
                SpaceLink(
                    _("Accueil : %(title)s") % {"title": event.title},
                    reverse("events:check_in", args=[event.pk]),
                )
            )
    return SpaceSection(_("Événements"), links, order=60)
