"""Directory full-text search: the text we index and the database-specific backends.

One small interface, `search_establishments(query, queryset)`, filters a queryset of
establishments on folded full text and annotates it with `search_rank` (lower is better), so the
caller can order by relevance then name. Two implementations, chosen by database vendor:

- SQLite: an external-content FTS5 table over `organisations_establishment.search_text`
  (tokenizer `unicode61 remove_diacritics 2`, prefix indexes), kept in sync by triggers.
- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`; the query is a `to_tsquery`
  of folded words joined by `&`, the last one as a prefix (`:*`).

Both rank the same way (`rank_sql`): names that start with the query first, then by name.

Both are created by migration 0004 (each engine only creates its own objects), which also
indexes one reserved token per facet value (`zzreg27`, `zzdig1`...), computed by the database
from the facet columns: a text search with facet filters intersects them inside the index. The text on both
sides is folded with `filiere.core.text.fold`, so "cite numerique" finds "Cité Numérique".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.db import connections

from filiere.core.text import fold

if TYPE_CHECKING:
    from django.db.models import QuerySet

FTS_TABLE = "organisations_establishment_fts"
ESTABLISHMENT_TABLE = "organisations_establishment"
# The migration that defines the current search objects (FTS5 table and triggers, GIN index).
SEARCH_MIGRATION = "filiere.organisations.migrations.0005_covering_search_text_index"
# Must be the exact expression of the GIN index (migration 0004) for PostgreSQL to use it: the
# folded text and the facet tokens.
PG_VECTOR = (
    f"to_tsvector('simple'::regconfig, {ESTABLISHMENT_TABLE}.search_text || ' ' || "
    f"{import_module(SEARCH_MIGRATION).facet_tokens_sql(ESTABLISHMENT_TABLE + '.')})"
)

_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8


def search_text_for(*parts: str | None, tags: Iterable[str] = ()) -> str:
    """The folded text indexed for an establishment: names, sign, city, postcode, tags.

    Importers and services call this whenever they write an establishment, so search is
    accent-insensitive on both sides ("numerique" finds "Numérique").
    """
    words = [p for p in parts if p]
    words.extend(t for t in tags if t)
    return fold(" ".join(words))


def establishment_search_text(organisation: Any, establishment: Any) -> str:
    """The folded search text of an establishment from its own and its organisation's fields.

    Non-diffusible units are indexed without names, so a name search cannot reveal them.
    """
    public = organisation.is_diffusible and establishment.is_diffusible
    return search_text_for(
        organisation.name if public else "",
        organisation.acronym if public else "",
        establishment.name if public and establishment.name != organisation.name else "",
        establishment.sign if public else "",
        establishment.city,
        establishment.postcode,
        tags=organisation.tags or (),
    )


def query_words(query: str) -> list[str]:
    """The folded words of a user query, punctuation dropped (so no FTS syntax gets through)."""
    return _WORD.findall(fold(query))[:MAX_QUERY_WORDS]


def fts5_expression(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word required, the last one as a prefix (as-you-type)."""
    terms = [f'"{w}"' for w in words[:-1]]
    terms.append(f'"{words[-1]}"*')
    return " ".join(terms)


def tsquery_expression(words: list[str]) -> str:
    """A PostgreSQL `to_tsquery('simple', ...)` text: words AND-ed, the last one as a prefix."""
    return " & ".join([*words[:-1], f"{words[-1]}:*"])


# Facet tokens (see migration 0004): the index holds, for every establishment, one reserved token
# per facet column, computed by the database (`facet_tokens_sql`), e.g. `zzreg27 zzdep21`.
FACET_TOKEN_PREFIXES = {
    "region": "zzreg",
    "department": "zzdep",
    "naf": "zznaf",
    "digital": "zzdig",
    "headcount": "zzhc",
    "kind": "zzkind",
    "state": "zzstate",
}
# Values whose token stands for exactly one column value (the tokenizers lowercase and we drop
# '_' and '.'): anything else is filtered on its column instead.
_TOKENIZABLE = {
    "region": re.compile(r"[0-9A-Z]{1,3}"),
    "department": re.compile(r"[0-9A-Z]{1,3}"),
    "naf": re.compile(r"[0-9]{2}\.[0-9]{2}[A-Z]"),
    "headcount": re.compile(r"[0-9A-Z]{2}"),
    "kind": re.compile(r"[a-z]+(_[a-z]+)*"),
    "state": re.compile(r"[A-Z]"),
    "digital": re.compile(r"[01]"),
}


def facet_token(facet: str, value: str) -> str | None:
    """The index token of one facet value (`zzreg27`), None when it cannot stand for it exactly."""
    if not _TOKENIZABLE[facet].fullmatch(value):
        return None
    return FACET_TOKEN_PREFIXES[facet] + value.replace("_", "").replace(".", "").lower()


def rank_sql(column: str) -> str:
    """SQL ranking a match (lower = better), given the folded query as its two parameters.

    0: the text starts with the query as whole words ("cite numerique" for "Cité Numérique
    Dijon"); 1: it starts with the query as typed (as-you-type prefix); 2: the words are
    elsewhere (another word of the name, the town, the postcode). Ties go by name.
    Measured against bm25/ts_rank on 1 M establishments: same top results for name queries,
    and 2-4x cheaper, because bm25 must score every match before the page can be cut
    (see bench/bench_search.py).
    """
    return f"CASE WHEN {column} = %s OR {column} LIKE %s THEN 0 WHEN {column} LIKE %s THEN 1 ELSE 2 END"


def rank_params(words: list[str]) -> list[str]:
    """The parameters of `rank_sql` for the folded query words."""
    phrase = " ".join(words)
    return [phrase, f"{phrase} %", f"{phrase}%"]


def search_establishments(
    query: str, queryset: QuerySet, facet_tokens: Iterable[Iterable[str]] = ()
) -> QuerySet:
    """Filter establishments on folded full text and annotate `search_rank` (lower = better).

    `facet_tokens`: groups of facet tokens (`facet_token`), each group OR-ed, groups AND-ed with
    the words inside the full-text index. Only used with a text query (the caller must filter
    on the columns otherwise), and only on SQLite and PostgreSQL (see `supports_facet_tokens`).

    An empty query (nothing searchable after folding) returns the queryset unchanged, with a
    constant rank so callers can always order by ("search_rank", "name").
    """
    from django.db.models import FloatField, Value

    words = query_words(query)
    if not words:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    groups = [list(group) for group in facet_tokens]
    vendor = connections[queryset.db].vendor
    rank = {"search_rank": rank_sql(f"{ESTABLISHMENT_TABLE}.search_text")}
    if vendor == "sqlite":
        # A join on the FTS table (through extra(): the ORM cannot name a virtual table).
        expression = " AND ".join(
            [f"search_text:({fts5_expression(words)})"]
            + [f"facets:({' OR '.join(group)})" for group in groups]
        )
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {ESTABLISHMENT_TABLE}.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
            select=rank,
            select_params=rank_params(words),
        )
    if vendor == "postgresql":
        expression = " & ".join([tsquery_expression(words)] + [f"({' | '.join(group)})" for group in groups])
        return queryset.extra(
            where=[f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"],
            params=[expression],
            select=rank,
            select_params=rank_params(words),
        )
    # Any other engine: a slow but correct fallback on the folded text.
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))


def supports_facet_tokens(using: str = "default") -> bool:
    """Whether the full-text index of this database holds the facet tokens (migration 0004)."""
    return connections[using].vendor in ("sqlite", "postgresql")


# "Starts with the query" rows (rank 0 and 1) are a range of the B-tree on the first
# HEAD_LENGTH characters of search_text (migration 0004), in (text, name, id) order.
HEAD_LENGTH = 100
HEAD_SQL = f"substr({ESTABLISHMENT_TABLE}.search_text, 1, {HEAD_LENGTH})"


def starts_with_query(
    query: str, queryset: QuerySet, facet_tokens: Iterable[Iterable[str]] = ()
) -> QuerySet | None:
    """The rows of `queryset` whose text starts with the query (rank 0 or 1), ranked, or None.

    A text that starts with the folded query words contains them all (the last as a prefix),
    so these rows are exactly the rank 0 and 1 rows of `search_establishments`. Without facet
    tokens they are a range of the B-tree on the head of search_text (no full-text index, and no
    table read: the index holds name and id). With facet tokens (SQLite only), FTS5 intersects
    "the text starts with these words" (an initial-token query, `^"w1 w2"*`) with the tokens,
    and the range condition keeps the rows that really start with the query. None when there is
    no query, the query is too long for the indexed head, or the engine cannot.
    """
    words = query_words(query)
    phrase = " ".join(words)
    groups = [list(group) for group in facet_tokens]
    vendor = connections[queryset.db].vendor
    if not words or len(phrase) >= HEAD_LENGTH or vendor not in ("sqlite", "postgresql"):
        return None
    if groups and vendor != "sqlite":
        return None
    if vendor == "sqlite":
        # BINARY comparison of UTF-8: every text starting with `phrase` sorts in this range.
        where, params = [f"{HEAD_SQL} >= %s", f"{HEAD_SQL} < %s"], [phrase, phrase + "\U0010ffff"]
    else:
        # A LIKE prefix is a range of the text_pattern_ops index (words are [a-z0-9 ] only).
        where, params = [f"{HEAD_SQL} LIKE %s"], [f"{phrase}%"]
    tables = []
    if groups:
        expression = " AND ".join(
            [f'search_text:(^"{phrase}"*)'] + [f"facets:({' OR '.join(group)})" for group in groups]
        )
        tables = [FTS_TABLE]
        where = [f"{FTS_TABLE}.rowid = {ESTABLISHMENT_TABLE}.id", f"{FTS_TABLE} MATCH %s", *where]
        params = [expression, *params]
    # On the head: equal to the rank on search_text, as the phrase is shorter than the head.
    return queryset.extra(
        tables=tables,
        where=where,
        params=params,
        select={"search_rank": rank_sql(HEAD_SQL)},
        select_params=rank_params(words),
    )


def not_starting_with_query(query: str, queryset: QuerySet) -> QuerySet:
    """The rows of a `search_establishments` queryset that do not start with the query (rank 2)."""
    phrase = " ".join(query_words(query))
    return queryset.extra(where=[f"{ESTABLISHMENT_TABLE}.search_text NOT LIKE %s"], params=[f"{phrase}%"])


# Plain indexes that serve the directory's orderings (created by migrations 0002 and 0003).
ORDER_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS organisations_establishment_name_idx ON {ESTABLISHMENT_TABLE} (name)",
    f"CREATE INDEX IF NOT EXISTS organisations_establishment_region_name_idx "
    f"ON {ESTABLISHMENT_TABLE} (region_code, name, id)",
]


def ensure_search_objects(using: str = "default") -> bool:
    """Recreate the search objects a migration may have dropped; True when it had to repair.

    On SQLite, Django alters a column by remaking the whole table, which silently drops the
    triggers and the indexes it does not know about (an AlterField on Establishment, or on a
    model it points to: the Commune primary key change did exactly that). This runs after every
    `migrate` (post_migrate signal): every statement is IF NOT EXISTS, and the FTS index is
    rebuilt when its triggers were missing.
    """
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    migration = import_module(SEARCH_MIGRATION)
    repaired = False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{FTS_TABLE}_a_"],
            )
            (triggers,) = cursor.fetchone()
            if triggers != 3:
                for statement in migration.SQLITE_FORWARD:
                    cursor.execute(statement)
                repaired = True
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (%s, %s, %s)",
                [
                    "organisations_establishment_name_idx",
                    "organisations_establishment_region_name_idx",
                    "organisations_establishment_search_text_idx",
                ],
            )
            if cursor.fetchone()[0] != 3:
                cursor.execute(migration.SEARCH_TEXT_INDEX)
                repaired = True
            if repaired:
                # A table remake also drops the table's statistics: without them the planner
                # guesses that `region_code = '11'` is selective and probes the full-text index
                # once per row of the region (seconds instead of milliseconds at 100,000 rows).
                cursor.execute(f"ANALYZE {ESTABLISHMENT_TABLE}")
        else:
            for statement in migration.POSTGRES_FORWARD:
                cursor.execute(statement)
        for statement in ORDER_INDEXES:
            cursor.execute(statement)
    return repaired
