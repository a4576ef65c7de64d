"""Writes of the talent app: people, consents, offers, applications, the programme pipeline,
outcomes, and GDPR erasure / retention.

Every service validates its input and raises `django.core.exceptions.ValidationError` with a
French message naming the field; every service that writes several rows does so in one
transaction, so a refused input leaves nothing half-saved.

One module per seam, every name importable from `filiere.talent.services`: `codes` (official
codes), `people`, `offers` (and applications), `pipeline`, `personal_data`.
"""

from __future__ import annotations

from .codes import resolve_appellations, resolve_commune, resolve_metiers
from .offers import OfferFields, apply, move_application, save_offer, save_offers
from .people import (
    SEEKER_FIELDS,
    is_shareable,
    log_access,
    log_accesses,
    reach_of,
    save_seeker,
    set_consent,
    touch,
)
from .personal_data import DEFAULT_RETENTION_DAYS, anonymise_inactive, erase_seeker, retention_days
from .pipeline import create_cohort, move_file, open_file, record_outcome

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "SEEKER_FIELDS",
    "OfferFields",
    "anonymise_inactive",
    "apply",
    "create_cohort",
    "erase_seeker",
    "is_shareable",
    "log_access",
    "log_accesses",
    "move_application",
    "move_file",
    "open_file",
    "reach_of",
    "record_outcome",
    "resolve_appellations",
    "resolve_commune",
    "resolve_metiers",
    "retention_days",
    "save_offer",
    "save_offers",
    "save_seeker",
    "set_consent",
    "touch",
]
