"""The directory's filters and pages: `DirectoryFilters` parsed from a request, the facets, the rows
a filter selects, the directory's order, the visitor's default region, and the ids of a page
(browsing featured organisations first, or ranked full-text matches)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import Membership
from filiere.accounts.permissions import administered_region_codes, organisation_ids_of

from ..models import Establishment, HeadcountBand, Kind, Organisation, Relation, RelationKind, State
from ..search import (
    facet_token,
    not_starting_with_query,
    query_words,
    search_establishments,
    starts_with_query,
    supports_facet_tokens,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


PER_PAGE = 20


MAX_PER_PAGE = 100


# Facet name -> Establishment column. The order is the order of the facet panel.
FACET_FIELDS: dict[str, str] = {
    "region": "region_code",
    "department": "department_code",
    "naf": "naf_code",
    "digital": "is_digital",
    "headcount": "headcount_band",
    "kind": "kind",
    "state": "state",
}


FACET_TITLES = {
    "region": _("Région"),
    "department": _("Département"),
    "naf": _("Activité (NAF)"),
    "digital": _("Secteur numérique"),
    "headcount": _("Tranche d'effectif"),
    "kind": _("Type d'acteur"),
    "state": _("État"),
}


# Long facets show their biggest values only (selected values are always shown).
FACET_MAX_VALUES = 30


_CODE = re.compile(r"[0-9A-Za-z._]+")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class DirectoryFilters:
    """What a directory search asks for: free text plus facet filters (empty = no filter)."""

    q: str = ""
    region: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    naf: tuple[str, ...] = ()
    digital: bool | None = None
    headcount: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    state: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DirectoryFilters:
        """Build filters from a QueryDict (or a dict of lists); unknown values are dropped."""

        def many(name: str, max_length: int, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
            # Official codes (region, department, NAF) are letters, digits and dots; anything
            # else (a NUL byte, markup) is dropped here rather than reaching the database.
            getlist = getattr(params, "getlist", None)
            raw = getlist(name) if getlist else params.get(name) or []
            if isinstance(raw, str):
                raw = [raw]
            allowed_set = set(allowed) if allowed is not None else None
            values: list[str] = []
            for value in raw:
                for part in str(value).split(","):
                    part = part.strip()[:max_length]
                    if not _CODE.fullmatch(part):
                        continue
                    if (allowed_set is None or part in allowed_set) and part not in values:
                        values.append(part)
            return tuple(values)

        digital_raw = params.get("digital")
        if isinstance(digital_raw, list):
            digital_raw = digital_raw[0] if digital_raw else None
        digital = {"1": True, "true": True, "oui": True, "0": False, "false": False, "non": False}.get(
            str(digital_raw).lower() if digital_raw is not None else ""
        )
        q = params.get("q") or ""
        if isinstance(q, list):
            q = q[0] if q else ""
        return cls(
            q=_CONTROL.sub(" ", str(q)).strip()[:200],
            region=many("region", 3),
            department=many("department", 3),
            naf=many("naf", 6),
            digital=digital,
            headcount=many("headcount", 2, HeadcountBand.values),
            kind=many("kind", 20, Kind.values),
            state=many("state", 1, State.values),
        )

    def is_selected(self, facet: str, value: str) -> bool:
        """Whether a facet value is part of these filters (used to tick the checkboxes)."""
        if facet == "digital":
            return self.digital is not None and value == ("1" if self.digital else "0")
        return value in getattr(self, facet)

    def as_params(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (for pagination and export links)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in ("region", "department", "naf", "headcount", "kind", "state"):
            pairs.extend((name, value) for value in getattr(self, name))
        if self.digital is not None:
            pairs.append(("digital", "1" if self.digital else "0"))
        return pairs


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass
class DirectoryPage:
    """One page of a directory search with its counts and facets."""

    filters: DirectoryFilters
    results: list[Establishment]
    count: int
    # True when exact counting ran out of time and more than `facet_limit` rows matched: the
    # count is then "more than N" and facet counts cover the first N matches only.
    count_is_lower_bound: bool
    facet_limit: int
    page: int
    per_page: int
    facets: list[Facet] = field(default_factory=list)
    # Matches per department (every department, not only the facet's biggest): the map view.
    department_counts: dict[str, int] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def facet_values(filters: DirectoryFilters, facet: str) -> tuple[str, ...]:
    if facet == "digital":
        return () if filters.digital is None else ("1" if filters.digital else "0",)
    return getattr(filters, facet)


def _column_condition(facet: str, values: tuple[str, ...]) -> Q:
    if facet == "digital":
        return Q(is_digital=values[0] == "1")
    return Q(**{f"{FACET_FIELDS[facet]}__in": values})


def filter_establishments(
    filters: DirectoryFilters, queryset: QuerySet | None = None, *, facet_tokens: bool = True
) -> QuerySet:
    """Establishments matching the filters and the text, annotated with `search_rank`.

    With a text query, facet filters are matched inside the full-text index (facet tokens,
    see `search.facet_token`): the index intersects "martin" with "region 27" instead of the
    database reading every "martin" to check its region. Without text, or with
    `facet_tokens=False`, they filter the columns. Both give the same rows.
    Not ordered: callers order (`ordered_establishments`) or aggregate (facets, counts).
    """
    qs = Establishment.objects.all() if queryset is None else queryset
    use_tokens = facet_tokens and bool(query_words(filters.q)) and supports_facet_tokens(qs.db)
    conditions, token_groups = _split_filters(filters, use_tokens)
    return search_establishments(filters.q, qs.filter(conditions), token_groups)


def _split_filters(filters: DirectoryFilters, use_tokens: bool) -> tuple[Q, list[list[str]]]:
    """The facet filters as (column conditions, groups of facet tokens for the index)."""
    conditions = Q()
    token_groups: list[list[str]] = []
    for facet in FACET_FIELDS:
        values = facet_values(filters, facet)
        if not values:
            continue
        tokens = [facet_token(facet, value) for value in values] if use_tokens else [None]
        if all(tokens):
            token_groups.append([t for t in tokens if t])
        else:
            conditions &= _column_condition(facet, values)
    return conditions, token_groups


def starts_with_filtered(filters: DirectoryFilters) -> QuerySet | None:
    """The rank 0/1 rows (see `search.starts_with_query`): facet tokens where the engine can."""
    conditions, token_groups = _split_filters(filters, supports_facet_tokens())
    head = starts_with_query(filters.q, Establishment.objects.filter(conditions), token_groups)
    if head is None and token_groups:
        head = starts_with_query(filters.q, Establishment.objects.filter(_split_filters(filters, False)[0]))
    return head


def directory_order(filters: DirectoryFilters) -> list[str]:
    """Relevance, then name, then id. Without text: `directory_rank` (open and diffusible first,
    then the biggest headcount), name, id, which the (region_code | is_digital, directory_rank,
    name, id) indexes serve without a sort. The page itself puts featured organisations first
    (`browse_page_ids`)."""
    return ["search_rank", "name", "id"] if query_words(filters.q) else ["directory_rank", "name", "id"]


def default_filters(user: Viewer) -> DirectoryFilters:
    """The directory before any search: the active digital-sector establishments of the
    visitor's region (`visitor_region_code`), or of all France."""
    region = visitor_region_code(user)
    return DirectoryFilters(region=(region,) if region else (), digital=True, state=(State.ACTIVE,))


def visitor_region_code(user: Viewer) -> str:
    """The region a signed-in visitor works for: the one they administer, else the region of
    their organisation's head office (or first establishment); "" when unknown."""
    regions = sorted(administered_region_codes(user))
    if regions:
        return regions[0]
    organisation_ids = organisation_ids_of(user)
    if not organisation_ids:
        return ""
    code = (
        Establishment.objects.filter(organisation_id__in=organisation_ids)
        .exclude(region_code="")
        .order_by("-is_head_office", "id")
        .values_list("region_code", flat=True)
        .first()
    )
    return code or ""


def featured_organisation_ids() -> set[int]:
    """Organisations that live on the platform: a published showcase, members with an account,
    or member organisations of their own (clusters). Browsing shows them first. A few hundred
    ids: three small tables, read by their own indexes (never a scan of the directory)."""
    showcase = Organisation.objects.filter(showcase_profile__is_published=True).values_list("id", flat=True)
    members = Membership.objects.values_list("organisation_id", flat=True).distinct()
    clusters = (
        Relation.objects.filter(kind=RelationKind.MEMBER_OF).values_list("target_id", flat=True).distinct()
    )
    return {*showcase, *members, *clusters}


def browse_page_ids(filters: DirectoryFilters, offset: int, size: int) -> list[int]:
    """The ids of rows [offset, offset + size) when browsing without text: establishments of
    featured organisations first (`featured_organisation_ids`), then the others, each part in
    `directory_order` (an index range, never a sort of every match)."""
    matched = filter_establishments(filters)
    order = directory_order(filters)
    end = offset + size
    featured = featured_organisation_ids()
    if not featured:
        return list(matched.order_by(*order).values_list("id", flat=True)[offset:end])
    first = list(
        matched.filter(organisation_id__in=featured).order_by(*order).values_list("id", flat=True)[:end]
    )
    if len(first) == end:
        return first[offset:]
    rest = matched.exclude(organisation_id__in=featured).order_by(*order).values_list("id", flat=True)
    skip = max(0, offset - len(first))
    return first[offset:] + list(rest[skip : skip + end - max(offset, len(first))])


def ordered_establishments(filters: DirectoryFilters) -> QuerySet:
    """The matching establishments in directory order (see `directory_order`)."""
    return filter_establishments(filters).order_by(*directory_order(filters))


def page_ids(filters: DirectoryFilters, offset: int, size: int, *, many: bool) -> list[int]:
    """The ids of rows [offset, offset + size) of the directory order.

    `many`: more rows match than the facet limit. Then the best-ranked rows (the text starts
    with the query, rank 0 and 1) are read first from the search_text B-tree
    (`search.starts_with_query`), and only when they do not fill the page are the other
    matches (rank 2) ordered by name: a broad prefix ("mar", 70,000 matches) never sorts every
    match. With fewer matches, one query orders them all (at most the facet limit).
    """
    if not query_words(filters.q):
        return browse_page_ids(filters, offset, size)
    matched = filter_establishments(filters)
    end = offset + size
    head = starts_with_filtered(filters) if many else None
    if head is None:
        ids = matched.order_by(*directory_order(filters)).values_list("id", flat=True)
        return list(ids[offset:end])
    first = list(head.order_by("search_rank", "name", "id").values_list("id", flat=True)[:end])
    if len(first) == end:
        return first[offset:]
    # Every rank 0/1 row is in `first`; the page continues with rank 2 rows, by name.
    rest = not_starting_with_query(filters.q, matched).order_by("name", "id").values_list("id", flat=True)
    skip = max(0, offset - len(first))
    return first[offset:] + list(rest[skip : skip + end - max(offset, len(first))])
