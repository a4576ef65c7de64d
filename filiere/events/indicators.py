"""The events' figures for roadmap indicators (`core.indicators`): the BFC contract counts "more
than 50 events and communication/training operations a year"."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.core.indicators import Computation

from .selectors import events_per_year


def events_this_year(region_code: str) -> Decimal:
    """Published, not cancelled events held in the region this year (all kinds: days, workshops,
    training sessions, webinars, delegations, communication operations)."""
    return Decimal(events_per_year(region_code, timezone.localdate().year))


COMPUTATIONS = [
    Computation(
        "events_this_year",
        _("Événements et opérations de communication/formation de l'année dans la région"),
        _("événements"),
        events_this_year,
    ),
]
