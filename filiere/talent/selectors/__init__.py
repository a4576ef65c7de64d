"""Reads of the talent app: access functions, matching, skill gaps, the programme dashboard and
the GDPR export. Views, the API, the demo and the benchmark all call these.

Access rules are `filiere.talent.permissions` (advisers, `people_visible_to`, `may_see_person`,
`may_erase_person`, `may_publish_offer_for`): an adviser is a member of a structure (France
Travail agency, Mission locale, cluster…); they see the people their structure follows and the
people who have a file in a programme their structure runs; a partner structure of a programme
sees only the people it follows; nobody else (404). Every read of a person by someone else than
themselves (profile, programme file, cohort list, name search) is logged (`services.log_access`).
Platform staff see everything.

One module per seam, every name importable from `filiere.talent.selectors`: `access` (access
functions, advisers' lists), `programmes` (cohorts and files), `matching` (seekers ↔ offers, skill
gaps), `applications` (the company's side), `personal_data` (GDPR export, access log)."""

from __future__ import annotations

from filiere.matching import services as engine

from ..dashboard import Dashboard, Figures, Follow, programme_dashboard

# Also asked through this package by the views and the API: the advisers' rights, the engine
# (skill labels) and the programme dashboard.
from ..permissions import is_adviser, people_visible_to
from .access import (
    SEEKERS_PER_PAGE,
    active_purposes,
    advisers_seekers,
    advisers_seekers_page,
    can_edit_offer,
    can_manage_programme,
    get_cohort_for_user,
    get_file_for_user,
    get_offer_for_user,
    get_programme_for_user,
    get_seeker_for_user,
    open_offers,
    own_seeker,
    programmes_for_user,
    seeker_structures_for,
)
from .applications import applications_received, get_application_for_user, waiting_applications_count
from .matching import (
    CONTRACT_BONUS,
    OCCUPATION_BONUS,
    OFFER_MATCH_FIELDS,
    OfferMatch,
    SkillGap,
    best_candidates_for_offer,
    best_offers_for_seeker,
    match_channels,
    offer_query,
    seeker_metier_codes,
    seeker_query,
    shareable_seekers,
    skill_gap,
)
from .personal_data import access_log, export_seeker_data
from .programmes import cohort_files, file_counts, group_by_state

__all__ = [
    "Dashboard",
    "Figures",
    "Follow",
    "engine",
    "is_adviser",
    "people_visible_to",
    "programme_dashboard",
    "CONTRACT_BONUS",
    "OCCUPATION_BONUS",
    "OFFER_MATCH_FIELDS",
    "OfferMatch",
    "SEEKERS_PER_PAGE",
    "SkillGap",
    "access_log",
    "active_purposes",
    "advisers_seekers",
    "advisers_seekers_page",
    "applications_received",
    "best_candidates_for_offer",
    "best_offers_for_seeker",
    "can_edit_offer",
    "can_manage_programme",
    "cohort_files",
    "export_seeker_data",
    "file_counts",
    "get_application_for_user",
    "get_cohort_for_user",
    "get_file_for_user",
    "get_offer_for_user",
    "get_programme_for_user",
    "get_seeker_for_user",
    "group_by_state",
    "match_channels",
    "offer_query",
    "open_offers",
    "own_seeker",
    "programmes_for_user",
    "seeker_metier_codes",
    "seeker_query",
    "seeker_structures_for",
    "shareable_seekers",
    "skill_gap",
    "waiting_applications_count",
]
