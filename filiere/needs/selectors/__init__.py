"""Reads of the needs app: access checks, target companies, response rates, results and the gap table.

Views, the API and exports all read through these functions, so the numbers never drift apart.

One module per seam, every name importable from `filiere.needs.selectors`: `access`, `targets`,
`rates` (response rates), `results` (one campaign's), `gap` (demand minus supply).
"""

from __future__ import annotations

from .access import (
    HORIZON_WEIGHTS,
    STAFF_ROLES,
    campaigns_for_user,
    can_create_campaign,
    can_manage_campaign,
    can_read_results,
    creatable_regions,
    get_campaign_for_user,
    get_invitation_by_token,
    get_invitation_for_user,
    invitations_of_user,
    managed_campaigns,
    runnable_clusters,
    staff_org_ids,
)
from .gap import (
    GapFilters,
    GapRow,
    GapTable,
    demand_by_family_and_department,
    family_supply,
    gap_table,
    region_department_codes,
)
from .rates import SIZE_BANDS, Rate, ResponseRates, response_rates, size_label
from .results import Ranked, Results, campaign_lines, campaign_results
from .targets import Target, company_emails, target_companies

__all__ = [
    "GapFilters",
    "GapRow",
    "GapTable",
    "HORIZON_WEIGHTS",
    "Ranked",
    "Rate",
    "ResponseRates",
    "Results",
    "SIZE_BANDS",
    "STAFF_ROLES",
    "Target",
    "campaign_lines",
    "campaign_results",
    "campaigns_for_user",
    "can_create_campaign",
    "can_manage_campaign",
    "can_read_results",
    "company_emails",
    "creatable_regions",
    "demand_by_family_and_department",
    "family_supply",
    "gap_table",
    "get_campaign_for_user",
    "get_invitation_by_token",
    "get_invitation_for_user",
    "invitations_of_user",
    "managed_campaigns",
    "region_department_codes",
    "response_rates",
    "runnable_clusters",
    "size_label",
    "staff_org_ids",
    "target_companies",
]
