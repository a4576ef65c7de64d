"""Reads of the directory shared by the HTML views, the exports, the API and other apps.

Every organisation named by a request is resolved through `get_organisation_for_user`; the
directory search (results, counts and facets) is `search_directory`, which the search page,
the API and the benchmark all call, so their numbers cannot drift apart.
"""

from __future__ import annotations

import csv
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from filiere.accounts.models import Membership
from filiere.accounts.permissions import administered_region_codes, may_edit_organisation, organisation_ids_of
from filiere.core.text import restore_capital_accents
from filiere.territories.models import Department, Region

from .models import Establishment, HeadcountBand, Kind, Organisation, Relation, RelationKind, State
from .search import (
    facet_token,
    not_starting_with_query,
    query_words,
    rank_params,
    rank_sql,
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


def _facet_values(filters: DirectoryFilters, facet: str) -> tuple[str, ...]:
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
        values = _facet_values(filters, facet)
        if not values:
            continue
        tokens = [facet_token(facet, value) for value in values] if use_tokens else [None]
        if all(tokens):
            token_groups.append([t for t in tokens if t])
        else:
            conditions &= _column_condition(facet, values)
    return conditions, token_groups


def _starts_with_query(filters: DirectoryFilters) -> QuerySet | None:
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
    head = _starts_with_query(filters) if many else None
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


def search_directory(
    filters: DirectoryFilters,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    with_facets: bool = True,
    count_budget_ms: int | None = None,
) -> DirectoryPage:
    """Search the directory: one page of results, the count, and facet counts.

    Counts are exact: one statement groups every match by each facet column
    (`count_facets`), under a time budget (`settings.DIRECTORY_EXACT_COUNT_MS`). A query too
    broad for it (a prefix matching tens of thousands of rows on a million) falls back to
    counting the first `settings.DIRECTORY_FACET_LIMIT` matches (those starting with the query
    when there are enough, see `_broad_query_counts`): the count is then "plus de N" and the
    page says its facet counts are partial. The page comes from the same statement when every
    match was read and there are at most N of them, else from `page_ids`.
    `count_budget_ms` overrides the setting (the directory's default view allows more).
    """
    limit = settings.DIRECTORY_FACET_LIMIT
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    asked = (max(1, page) - 1) * per_page
    with_words = bool(query_words(filters.q))
    matched = filter_establishments(filters)
    # Without text the order needs featured organisations first: `browse_page_ids` reads it.
    # A page past the limit can only be the last page once clamped: `page_ids` reads it.
    ordered_page = (filters.q, asked, per_page) if with_words and asked < limit else None
    # More than N rows *start with* the words (a B-tree range, a few milliseconds): tens of
    # thousands match, which no budget counts in time over a million rows. Sample at once
    # rather than spend the budget first.
    counts = _broad_query_counts(filters, limit, with_facets=with_facets)
    exact = False
    if (
        counts is None
        and not with_words
        and count_budget_ms is None
        and _more_than(matched, EXACT_COUNT_MAX_ROWS)
    ):
        # Browsing a whole region of a million rows: an index count (milliseconds) tells that
        # exact counting would only spend the budget; sample at once (the default view, which
        # passes its own budget, is still counted exactly).
        counts = count_facets(matched, limit, with_facets=with_facets, page=ordered_page)
    if counts is None:
        counts = exact_counts(
            matched, limit, with_facets=with_facets, page=ordered_page, budget_ms=count_budget_ms
        )
        exact = counts is not None
    if counts is None:
        counts = count_facets(matched, limit, with_facets=with_facets, page=ordered_page)
    total = counts.pop("_count")[""]
    ranked = counts.pop("_page", None)
    lower_bound = not exact and total > limit
    count = total if exact else min(total, limit)
    num_pages = max(1, math.ceil(count / per_page))
    page = max(1, min(page, num_pages))
    offset = (page - 1) * per_page
    if ranked is not None and total <= limit and offset == asked:
        # Every match was read by the count: its statement also ordered them for the page,
        # so the full-text index is not searched a second time.
        ids = [int(pk) for pk, _ in sorted(ranked.items(), key=lambda item: item[1])]
    else:
        # Two steps: order narrow rows (id, rank, name), then load the page's objects; sorting
        # full rows joined to their organisation costs far more when thousands of rows match.
        ids = page_ids(filters, offset, per_page, many=total > limit)
    # The raw source records (a kilobyte of JSON each) are never shown in a result list.
    by_id = (
        Establishment.objects.select_related("organisation").defer("raw", "organisation__raw").in_bulk(ids)
    )
    results = [by_id[pk] for pk in ids if pk in by_id]
    result = DirectoryPage(
        filters=filters,
        results=results,
        count=count,
        count_is_lower_bound=lower_bound,
        facet_limit=limit,
        page=page,
        per_page=per_page,
    )
    if with_facets:
        result.department_counts = {code: n for code, n in counts.get("department", {}).items() if code}
        result.facets = _facets(filters, counts)
    return result


# Filter-only searches with more matches than this are not counted exactly (see search_directory).
EXACT_COUNT_MAX_ROWS = 5_000


def _more_than(matched: QuerySet, rows: int) -> bool:
    """Whether more than `rows` rows match (reads at most rows + 1 ids, from an index)."""
    return matched.order_by().values("id")[: rows + 1].count() > rows


def exact_counts(
    matched: QuerySet,
    limit: int,
    *,
    with_facets: bool,
    page: tuple[str, int, int] | None,
    budget_ms: int | None = None,
) -> dict[str, dict[str, int]] | None:
    """`count_facets` over every match, or None when it would take longer than `budget_ms`
    (default `settings.DIRECTORY_EXACT_COUNT_MS`; 0: no limit): the database stops the statement."""
    budget = budget_ms if budget_ms is not None else settings.DIRECTORY_EXACT_COUNT_MS
    try:
        with time_budget(matched.db, budget):
            return count_facets(matched, None, with_facets=with_facets, page=page, page_limit=limit)
    except OperationalError as error:
        if not _is_timeout(error):
            raise
        return None


def _is_timeout(error: Exception) -> bool:
    text = str(error).lower()
    return "interrupted" in text or "statement timeout" in text or "canceling statement" in text


@contextmanager
def time_budget(using: str, milliseconds: int) -> Iterator[None]:
    """Stop the statements run inside after `milliseconds` (an OperationalError is raised).

    SQLite: a progress handler interrupts the statement past the deadline. PostgreSQL: a
    `statement_timeout` local to a savepoint (rolled back with it on timeout, restored after).
    Other engines, or a budget of 0: no limit.
    """
    connection = connections[using]
    if milliseconds <= 0 or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        deadline = time.perf_counter() + milliseconds / 1000

        def past_deadline() -> int:
            return 1 if time.perf_counter() > deadline else 0

        raw.set_progress_handler(past_deadline, 1000)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            (previous,) = cursor.fetchone()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(milliseconds)}ms"])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def _broad_query_counts(
    filters: DirectoryFilters, limit: int, *, with_facets: bool
) -> dict[str, dict[str, int]] | None:
    """Counts for a broad text query, from the rows whose text starts with it, or None.

    When more than `limit` rows start with the query, more than `limit` rows match it (they
    all contain a word starting with it), so the count is "plus de N" either way, and the facet
    sample can be those rows: the B-tree gives them in order, while the full-text index must
    first collect every match (70,000 for "mar" over 1 M rows) before it can stop at N.
    """
    if not query_words(filters.q) or any(_facet_values(filters, facet) for facet in FACET_FIELDS):
        # With facet filters the full-text index intersects the text with the facet tokens,
        # which is fast; the "starts with" rows would need the same filter read from the table.
        return None
    head = _starts_with_query(filters)
    if head is None:
        return None
    counts = count_facets(head, limit, with_facets=with_facets)
    return counts if counts["_count"][""] > limit else None


def count_facets(
    matched: QuerySet,
    limit: int | None,
    *,
    with_facets: bool = True,
    page: tuple[str, int, int] | None = None,
    page_limit: int | None = None,
) -> dict[str, dict[str, int]]:
    """Counts per facet value over the first `limit` matching rows, plus `_count` (up to limit + 1).

    `limit` None: over every matching row (exact counts, see `exact_counts`).

    One statement on both engines: the matching rows' facet columns are read once into a
    materialised CTE, then grouped once per facet (a hand-made GROUPING SETS, which SQLite lacks).

    `page` = (query, offset, size) also gives `_page`, id → position of the rows [offset,
    offset + size) of the directory order (relevance for `query`, name, id) among the rows read:
    the page itself whenever every match was read and there are at most `page_limit` (default
    `limit`) of them: past that, ordering them all costs more than `page_ids`.
    """
    columns = list(FACET_FIELDS.values())
    words = query_words(page[0]) if page is not None else []
    extra = ["id", "name", *(["search_text"] if words else [])] if page is not None else []
    rows = matched.order_by().values_list(*columns, *extra)
    if limit is not None:
        rows = rows[: limit + 1]
    inner_sql, params = rows.query.sql_with_params()
    aliases = [f"c{i}" for i in range(len(columns))] + [f"p{i}" for i in range(len(extra))]
    parts = ["SELECT '_count', '', COUNT(*) FROM m"]
    if with_facets:
        # The extra row beyond the limit only tells "more than limit"; facets count `limit` rows.
        source = "(SELECT * FROM m LIMIT %s) s" if limit is not None else "m"
        parts += [
            f"SELECT '{facet}', CAST({alias} AS VARCHAR(20)), COUNT(*) FROM {source} GROUP BY {alias}"
            for facet, alias in zip(FACET_FIELDS, aliases[: len(columns)], strict=True)
        ]
    all_params = [*params, *([limit] * (len(parts) - 1) if limit is not None else [])]
    if page is not None:
        _, offset, size = page
        # p0 = id, p1 = name, p2 = search_text: the order of `directory_order`.
        order = f"{rank_sql('p2')}, p1, p0" if words else "p1, p0"
        parts.append(
            f"SELECT '_page', CAST(p0 AS VARCHAR(20)), rn FROM (SELECT p0, ROW_NUMBER() OVER (ORDER BY {order}) AS rn"
            " FROM m WHERE (SELECT COUNT(*) FROM m) <= %s) ranked WHERE rn > %s AND rn <= %s"
        )
        # Only when every match was read and they are few (else the page comes from `page_ids`):
        # the condition sits inside, so no row reaches the sort otherwise.
        all_params += [
            *(rank_params(words) if words else []),
            page_limit if page_limit is not None else limit,
            offset,
            offset + size,
        ]
    sql = f"WITH m ({', '.join(aliases)}) AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict[str, int]] = {"_count": {"": 0}}
    if page is not None:
        counts["_page"] = {}
    with connections[matched.db].cursor() as cursor:
        cursor.execute(sql, all_params)
        for facet, value, n in cursor.fetchall():
            if facet == "digital":
                value = "1" if str(value).lower() in ("1", "true") else "0"
            counts.setdefault(facet, {})[value or ""] = n
    for facet in FACET_FIELDS if with_facets else ():
        ordered = sorted(counts.get(facet, {}).items(), key=lambda item: (-item[1], item[0]))
        counts[facet] = dict(ordered)
    return counts


def _facets(filters: DirectoryFilters, counts: dict[str, dict[str, int]]) -> list[Facet]:
    """Facet values with labels and counts, biggest first; selected values always shown."""
    labels = facet_labels(counts)
    facets = []
    for facet in FACET_FIELDS:
        values = counts.get(facet, {})
        items = [
            FacetValue(value, labels[facet].get(value, value), n, filters.is_selected(facet, value))
            for value, n in values.items()
            if value
        ]
        shown = items[:FACET_MAX_VALUES]
        shown += [item for item in items[FACET_MAX_VALUES:] if item.selected]
        # Selected values with no match stay visible so they can be unticked.
        present = {item.value for item in shown}
        for value in _selected_values(filters, facet):
            if value not in present:
                shown.append(FacetValue(value, labels[facet].get(value, value), 0, True))
        facets.append(Facet(facet, str(FACET_TITLES[facet]), shown))
    return facets


def _selected_values(filters: DirectoryFilters, facet: str) -> tuple[str, ...]:
    if facet == "digital":
        return () if filters.digital is None else ("1" if filters.digital else "0",)
    return getattr(filters, facet)


def region_name(code: str) -> str:
    """A region's name (its code when unknown)."""
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def facet_labels(counts: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """Human labels for facet values: territory names, NAF labels, choice labels."""
    region_codes = set(counts.get("region", ()))
    department_codes = set(counts.get("department", ()))
    regions = {r.code: r.name for r in Region.objects.filter(code__in=region_codes)}
    departments = {
        d.code: f"{d.name} ({d.code})" for d in Department.objects.filter(code__in=department_codes)
    }
    naf = naf_labels_for(counts.get("naf", ()))
    return {
        "region": regions,
        "department": departments,
        "naf": {code: f"{code} — {label}" for code, label in naf.items()},
        "digital": {"1": str(_("Numérique")), "0": str(_("Hors numérique"))},
        "headcount": {k: str(v) for k, v in HeadcountBand.choices},
        "kind": {k: str(v) for k, v in Kind.choices},
        "state": {k: str(v) for k, v in State.choices},
    }


@lru_cache(maxsize=1)
def _naf_labels_from_file() -> dict[str, str]:
    path = settings.FILIERE_DATA_DIR / "naf" / "naf_rev2_sous_classes_5_niveaux.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            labels = {row["sous_classe"]: row["libelle_sous_classe"] for row in csv.DictReader(handle)}
    except FileNotFoundError:
        return {}
    # INSEE writes "Edition de logiciels applicatifs" beside "Édition de jeux électroniques".
    return restore_capital_accents(labels)


def _naf_code_model() -> Any:
    """taxonomy.NafCode, or None when the taxonomy app is not installed."""
    try:
        return apps.get_model("taxonomy", "NafCode")
    except LookupError:
        return None


def naf_labels_for(codes: Iterable[str]) -> dict[str, str]:
    """NAF sous-classe labels: from the INSEE file that taxonomy.NafCode is loaded from (read once
    per process), the database only for codes the file lacks. A facet of a broad search holds
    hundreds of codes: an `IN` query for them cost more than the rest of the page's labels."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    from_file = _naf_labels_from_file()
    labels = {code: from_file[code] for code in wanted if code in from_file}
    missing = wanted - labels.keys()
    naf_model = _naf_code_model()
    if missing and naf_model is not None:
        labels.update(naf_model.objects.filter(code__in=missing).values_list("code", "label"))
    return labels


def all_naf_labels() -> dict[str, str]:
    """Every known NAF label, with the same precedence as `naf_labels_for`: the INSEE file, the
    database for codes the file lacks (so an export and the pages never disagree)."""
    naf_model = _naf_code_model()
    labels = dict(naf_model.objects.values_list("code", "label")) if naf_model is not None else {}
    labels.update(_naf_labels_from_file())
    return labels


def naf_label(code: str) -> str:
    """The label of one NAF sous-classe ("" if unknown)."""
    return naf_labels_for([code]).get(code, "")


def all_naf_choices() -> list[tuple[str, str]]:
    """Every NAF sous-classe as (code, "code — label"), for forms and API documentation."""
    return [(code, f"{code} — {label}") for code, label in sorted(_naf_labels_from_file().items())]


# --- Organisations -------------------------------------------------------------------------


def get_organisation_for_user(user: Viewer, pk: int) -> Organisation:
    """The organisation `pk` as `user` may read it, or 404.

    The directory is public: anyone reads every organisation. Non-diffusible ones (INSEE
    "diffusion partielle") are returned too, but pages and the API must show them through
    `public_name` / `can_see_identity`, which hide what INSEE does not allow to publish.
    """
    try:
        return Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Organisation inconnue") from None


def can_see_identity(user: Viewer, organisation: Organisation) -> bool:
    """Whether `user` may see the name, address and contact of `organisation`.

    Diffusible organisations: everyone. Non-diffusible ones: only people who can edit them
    (the organisation's own editors, regional administrators, platform staff).
    """
    return organisation.is_diffusible or may_edit_organisation(user, organisation)


def public_name(organisation: Organisation | None, *, establishment: Establishment | None = None) -> str:
    """The name shown to the public: "Non diffusible" for INSEE non-diffusible units."""
    if organisation is not None and not organisation.is_diffusible:
        return str(_("Non diffusible"))
    if establishment is not None and not establishment.is_diffusible:
        return str(_("Non diffusible"))
    if establishment is not None and establishment.name:
        return establishment.name
    return organisation.name if organisation is not None else ""


def organisation_region_codes(organisation: Organisation) -> set[str]:
    """The regions where the organisation has establishments."""
    return set(
        organisation.establishments.exclude(region_code="").values_list("region_code", flat=True).distinct()
    )


def organisation_establishments(organisation: Organisation) -> QuerySet:
    """The organisation's establishments, head office first."""
    return organisation.establishments.order_by("-is_head_office", "state", "siret")


def organisation_relations(organisation: Organisation) -> tuple[list[Relation], list[Relation]]:
    """(outgoing, incoming) relations: "X is <kind> Y" from and to this organisation."""
    outgoing = list(
        Relation.objects.filter(source=organisation)
        .select_related("target", "college")
        .order_by("kind", "target__name")
    )
    incoming = list(
        Relation.objects.filter(target=organisation)
        .select_related("source", "college")
        .order_by("kind", "source__name")
    )
    return outgoing, incoming


# --- Home page -----------------------------------------------------------------------------


@dataclass
class RegionCount:
    code: str
    name: str
    digital_establishments: int
    organisations: int


def _active_establishments() -> QuerySet:
    return Establishment.objects.filter(state=State.ACTIVE)


def region_figures(region_code: str) -> RegionCount:
    """One region's figures, with the same definitions as `region_counts` (the home page):
    active digital-sector establishments, and active organisations with an active establishment
    there. Roadmap indicators computed by the platform read them here, so the two never differ."""
    active = _active_establishments().filter(region_code=region_code)
    organisations = (
        active.filter(organisation__state=State.ACTIVE).values("organisation_id").distinct().count()
    )
    name = Region.objects.filter(code=region_code).values_list("name", flat=True).first() or region_code
    return RegionCount(region_code, name, active.filter(is_digital=True).count(), organisations)


def region_counts() -> list[RegionCount]:
    """Per region: active digital-sector establishments and active organisations present there.

    Regions without any establishment are left out; ordered by name.
    """
    active = _active_establishments().exclude(region_code="")
    digital = dict(
        active.filter(is_digital=True).order_by().values_list("region_code").annotate(n=Count("id"))
    )
    organisations = dict(
        active.filter(organisation__state=State.ACTIVE)
        .order_by()
        .values_list("region_code")
        .annotate(n=Count("organisation_id", distinct=True))
    )
    names = dict(Region.objects.values_list("code", "name"))
    codes = set(digital) | set(organisations)
    rows = [
        RegionCount(code, names.get(code, code), digital.get(code, 0), organisations.get(code, 0))
        for code in codes
    ]
    return sorted(rows, key=lambda r: r.name)


def home_context() -> dict[str, Any]:
    """The home page's per-region cards (registered as `home_context` in the AppConfig)."""
    return {"regions": region_counts()}


# --- Presentation of results (shared by the page and the API) ------------------------------


@dataclass
class ResultRow:
    """What a search result shows, with INSEE diffusion rules already applied."""

    id: int
    organisation_id: int
    siret: str
    name: str
    sign: str
    city: str
    postcode: str
    department_code: str
    department_name: str
    region_code: str
    naf_code: str
    naf_label: str
    is_digital: bool
    headcount_band: str
    headcount_label: str
    kind: str
    kind_label: str
    state: str
    is_closed: bool
    is_generated: bool
    is_diffusible: bool
    is_head_office: bool


def present_results(results: Iterable[Establishment]) -> list[ResultRow]:
    """Result rows for display: public name, NAF label, department name, band label."""
    results = list(results)
    naf = naf_labels_for(e.naf_code for e in results)
    departments = dict(
        Department.objects.filter(code__in={e.department_code for e in results}).values_list("code", "name")
    )
    bands = dict(HeadcountBand.choices)
    kinds = dict(Kind.choices)
    rows = []
    for est in results:
        org = est.organisation
        diffusible = org.is_diffusible and est.is_diffusible
        rows.append(
            ResultRow(
                id=est.pk,
                organisation_id=org.pk,
                siret=est.siret or "",
                name=public_name(org, establishment=est),
                sign=est.sign if diffusible else "",
                city=est.city,
                postcode=est.postcode,
                department_code=est.department_code,
                department_name=departments.get(est.department_code, ""),
                region_code=est.region_code,
                naf_code=est.naf_code,
                naf_label=naf.get(est.naf_code, ""),
                is_digital=est.is_digital,
                headcount_band=est.headcount_band,
                headcount_label=str(bands.get(est.headcount_band, "")),
                kind=est.kind,
                kind_label=str(kinds.get(est.kind, est.kind)),
                state=est.state,
                is_closed=est.state == State.CLOSED,
                is_generated=org.is_generated,
                is_diffusible=diffusible,
                is_head_office=est.is_head_office,
            )
        )
    return rows
