"""Pages of the talent app: advisers' programmes, cohorts, files and dashboard; people, their
matches, skill gaps and personal data; job offers and applications.

One module per part of the app (as `roadmaps/views/`): `programmes`, `people`, `offers`,
`applications`; `urls.py` names them through this package."""

from __future__ import annotations

from .applications import application_detail, application_inbox, offer_applications
from .offers import offer_create, offer_detail, offer_edit, offer_list
from .people import (
    gap,
    my_data,
    seeker_create,
    seeker_detail,
    seeker_erase,
    seeker_export,
    seeker_list,
    suggest_appellations,
    suggest_communes,
)
from .programmes import cohort_detail, dashboard, file_detail, home, programme_detail

__all__ = [
    "application_detail",
    "application_inbox",
    "cohort_detail",
    "dashboard",
    "file_detail",
    "gap",
    "home",
    "my_data",
    "offer_applications",
    "offer_create",
    "offer_detail",
    "offer_edit",
    "offer_list",
    "programme_detail",
    "seeker_create",
    "seeker_detail",
    "seeker_erase",
    "seeker_export",
    "seeker_list",
    "suggest_appellations",
    "suggest_communes",
]
