"""Reads of the showcase shared by the pages, the API, the alerts and the benchmark.

Rights come from `filiere.organisations.permissions`: a firm's showcase is edited by whoever edits the
firm (`may_edit_organisation`); its declarations are validated by the staff of a cluster it is a
member of (`may_validate_organisation`). Every object named by a request is resolved by
`get_profile_for_user`, `get_declaration_for_user` or `get_contact_request_for_user`.
The buyer search is `search_showcase`: the filters give, once, the published firms the matching
engine may rank (`facets`, or SQL when the arrays cannot answer), then the engine ranks them and
explains each hit.

One module per seam, every name importable from `filiere.showcase.selectors`: `access` (rights,
access functions, contact requests, declarations waiting for validation), `filters` (a buyer's
filters, the published firms they allow, the buyer-facing sectors), `search` (the buyer search:
ranking, browsing, result rows), `profiles` (a firm's page: its declared competences and skills)."""

from __future__ import annotations

from .access import (
    can_edit_showcase,
    contact_requests_for_user,
    contacts_by_id,
    editable_organisations,
    get_contact_request_for_user,
    get_declaration_for_user,
    get_profile_for_user,
    get_saved_search_for_user,
    is_target_side,
    pending_declarations,
)
from .filters import (
    SIZE_BANDS,
    ShowcaseFilters,
    buyer_sectors,
    detect_sectors,
    filter_profiles,
    get_buyer_sector,
    sector_label,
)
from .profiles import profile_declarations, profile_skill_ids, search_skills, territory_skill_ids
from .search import (
    MAX_PAGE,
    PER_PAGE,
    SEARCH_LIMIT,
    SECTOR_BOOST,
    ShowcaseResult,
    ShowcaseRow,
    all_matching_ids,
    search_showcase,
)

__all__ = [
    "all_matching_ids",
    "buyer_sectors",
    "can_edit_showcase",
    "contact_requests_for_user",
    "contacts_by_id",
    "detect_sectors",
    "editable_organisations",
    "filter_profiles",
    "get_buyer_sector",
    "get_contact_request_for_user",
    "get_declaration_for_user",
    "get_profile_for_user",
    "get_saved_search_for_user",
    "is_target_side",
    "MAX_PAGE",
    "pending_declarations",
    "PER_PAGE",
    "profile_declarations",
    "profile_skill_ids",
    "SEARCH_LIMIT",
    "search_showcase",
    "search_skills",
    "SECTOR_BOOST",
    "sector_label",
    "ShowcaseFilters",
    "ShowcaseResult",
    "ShowcaseRow",
    "SIZE_BANDS",
    "territory_skill_ids",
]
