"""The directory search (`search_directory`) and its counts: exact facet counts within a time budget
(`exact_counts`, `time_budget`), the cheap checks that skip a doomed attempt, and the partial
counts of a broad query."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet

from ..models import Establishment
from ..search import (
    query_words,
    rank_params,
    rank_sql,
)

if TYPE_CHECKING:
    pass

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
    facet_values,
    filter_establishments,
    page_ids,
    starts_with_filtered,
)
from .labels import facet_labels


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
        result.facets = build_facets(filters, counts)
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
    if not query_words(filters.q) or any(facet_values(filters, facet) for facet in FACET_FIELDS):
        # With facet filters the full-text index intersects the text with the facet tokens,
        # which is fast; the "starts with" rows would need the same filter read from the table.
        return None
    head = starts_with_filtered(filters)
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


def build_facets(filters: DirectoryFilters, counts: dict[str, dict[str, int]]) -> list[Facet]:
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
