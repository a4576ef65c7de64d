"""Reads of the directory shared by the HTML views, the exports, the API and other apps.

Every organisation named by a request is resolved through `get_organisation_for_user`; the
directory search (results, counts and facets) is `search_directory`, which the search page,
the API and the benchmark all call, so their numbers cannot drift apart.

One module per seam, every public name importable from `filiere.organisations.selectors`:
`filters` (filters, facets, pages), `directory` (the search and its counts), `labels` (region and
NAF labels), `organisations` (one organisation, its access function), `members` (membership
administration's access functions and lists), `home` (the home page's
figures), `results` (rows shown by the page and the API). Tests that replace `exact_counts`
patch `selectors.directory`, where `search_directory` looks it up."""

from __future__ import annotations

# One answer for "the regions where it has establishments", shared with the rights.
from ..permissions import organisation_region_codes
from .directory import (
    EXACT_COUNT_MAX_ROWS,
    build_facets,
    count_facets,
    exact_counts,
    search_directory,
    time_budget,
)
from .filters import (
    FACET_FIELDS,
    FACET_MAX_VALUES,
    FACET_TITLES,
    MAX_PER_PAGE,
    PER_PAGE,
    DirectoryFilters,
    DirectoryPage,
    Facet,
    FacetValue,
    browse_page_ids,
    default_filters,
    directory_order,
    featured_organisation_ids,
    filter_establishments,
    ordered_establishments,
    page_ids,
    visitor_region_code,
)
from .home import RegionCount, home_context, region_counts, region_figures
from .labels import all_naf_choices, all_naf_labels, facet_labels, naf_label, naf_labels_for, region_name
from .members import (
    admin_count,
    get_administered_organisation,
    get_invitation_for_admin,
    get_join_request_for_admin,
    get_membership_for_admin,
    join_request_recipients,
    organisation_members,
    pending_invitations,
    pending_join_requests,
    region_organisations,
)
from .organisations import (
    can_see_identity,
    get_organisation_for_user,
    organisation_establishments,
    organisation_relations,
    public_name,
)
from .results import ResultRow, present_results

__all__ = [
    "admin_count",
    "get_administered_organisation",
    "get_invitation_for_admin",
    "get_join_request_for_admin",
    "get_membership_for_admin",
    "join_request_recipients",
    "organisation_members",
    "pending_invitations",
    "pending_join_requests",
    "region_organisations",
    "DirectoryFilters",
    "DirectoryPage",
    "EXACT_COUNT_MAX_ROWS",
    "FACET_FIELDS",
    "FACET_MAX_VALUES",
    "FACET_TITLES",
    "Facet",
    "FacetValue",
    "MAX_PER_PAGE",
    "PER_PAGE",
    "RegionCount",
    "ResultRow",
    "all_naf_choices",
    "all_naf_labels",
    "browse_page_ids",
    "build_facets",
    "can_see_identity",
    "count_facets",
    "default_filters",
    "directory_order",
    "exact_counts",
    "facet_labels",
    "featured_organisation_ids",
    "filter_establishments",
    "get_organisation_for_user",
    "home_context",
    "naf_label",
    "naf_labels_for",
    "ordered_establishments",
    "organisation_establishments",
    "organisation_region_codes",
    "organisation_relations",
    "page_ids",
    "present_results",
    "public_name",
    "region_counts",
    "region_figures",
    "region_name",
    "search_directory",
    "time_budget",
    "visitor_region_code",
]
