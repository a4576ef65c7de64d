"""Reads of the support app: a firm's facts, eligibility, catalogue, proposals, access, history.

Every object a request names goes through a `get_<thing>_for_user` function here, which asks
`accounts.permissions` and `organisations.permissions` (docs/permissions.md, docs/support.md):
hidden → Http404, visible but not allowed → PermissionDenied.

One module per seam, every name importable from `filiere.support.selectors`: `firms` (a firm's
facts from the directory, by SIRET), `eligibility` (a service's rules read against those facts),
`catalogue` (searching the published services), `proposals` (services ranked for a firm's need),
`access` (who files, answers and manages, and the access functions), `history` (one support
history per SIREN, fed by every app)."""

from __future__ import annotations

from .access import (
    get_referral_for_user,
    get_request_for_user,
    get_service_for_user,
    get_survey_by_token,
    is_support_adviser,
    managed_providers,
    may_answer_for,
    may_file_for,
    may_manage_services_of,
    open_referral_count,
    provider_ids,
    referrals_to_answer,
    requests_visible_to,
)
from .catalogue import (
    CatalogueFilters,
    CatalogueRow,
    covers_department,
    epcis_of_department,
    search_catalogue,
)
from .eligibility import Eligibility, check_eligibility, services_for_firm
from .firms import SIRET_RE, FirmFacts, FirmLookupError, firm_facts, normalise_siret
from .history import (
    FIRM_KEY_RE,
    HistoryEntry,
    firms_with_history,
    get_history_for_user,
    history_functions,
    may_see_history,
    organisations_of_key,
    support_entries_for_siren,
    support_history,
)
from .proposals import THEME_WORDS, Proposal, propose_services, themes_in

__all__ = [
    "CatalogueFilters",
    "CatalogueRow",
    "check_eligibility",
    "covers_department",
    "Eligibility",
    "epcis_of_department",
    "firm_facts",
    "FIRM_KEY_RE",
    "FirmFacts",
    "FirmLookupError",
    "firms_with_history",
    "get_history_for_user",
    "get_referral_for_user",
    "get_request_for_user",
    "get_service_for_user",
    "get_survey_by_token",
    "history_functions",
    "HistoryEntry",
    "is_support_adviser",
    "managed_providers",
    "may_answer_for",
    "may_file_for",
    "may_manage_services_of",
    "may_see_history",
    "normalise_siret",
    "open_referral_count",
    "organisations_of_key",
    "Proposal",
    "propose_services",
    "provider_ids",
    "referrals_to_answer",
    "requests_visible_to",
    "search_catalogue",
    "services_for_firm",
    "SIRET_RE",
    "support_entries_for_siren",
    "support_history",
    "THEME_WORDS",
    "themes_in",
]
