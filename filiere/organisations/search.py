"""Directory full-text search: the text we index and the database-specific backends.

One small interface, `search_establishments(query, queryset)`, filters a queryset of
establishments on folded full text and annotates it with `search_rank` (lower is better), so the
caller can order by relevance then name. Two implementations, chosen by database vendor:

- SQLite: an external-content FTS5 table over `organisations_establishment.search_text`
  (tokenizer `unicode61 remove_diacritics 2`, prefix indexes), kept in sync by triggers.
- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`; the query is a `to_tsquery`
  of folded words joined by `&`, the last one as a prefix (`:*`).

Both rank the same way (`rank_sql`): names that start with the query first, then by name.

Both are created by migration 0002 (each engine only creates its own objects). The text on both
sides is folded with `filiere.core.text.fold`, so "cite numerique" finds "Cité Numérique".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connections

from filiere.core.text import fold

if TYPE_CHECKING:
    from django.db.models import QuerySet

FTS_TABLE = "organisations_establishment_fts"
ESTABLISHMENT_TABLE = "organisations_establishment"
# Must be the exact expression of the GIN index (migration 0002) for PostgreSQL to use it.
PG_VECTOR = f"to_tsvector('simple'::regconfig, {ESTABLISHMENT_TABLE}.search_text)"

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


def _rank_params(words: list[str]) -> list[str]:
    phrase = " ".join(words)
    return [phrase, f"{phrase} %", f"{phrase}%"]


def search_establishments(query: str, queryset: QuerySet) -> QuerySet:
    """Filter establishments on folded full text and annotate `search_rank` (lower = better).

    An empty query (nothing searchable after folding) returns the queryset unchanged, with a
    constant rank so callers can always order by ("search_rank", "name").
    """
    from django.db.models import FloatField, Value

    words = query_words(query)
    if not words:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    vendor = connections[queryset.db].vendor
    rank = {"search_rank": rank_sql(f"{ESTABLISHMENT_TABLE}.search_text")}
    if vendor == "sqlite":
        # A join on the FTS table (through extra(): the ORM cannot name a virtual table).
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {ESTABLISHMENT_TABLE}.id", f"{FTS_TABLE} MATCH %s"],
            params=[fts5_expression(words)],
            select=rank,
            select_params=_rank_params(words),
        )
    if vendor == "postgresql":
        return queryset.extra(
            where=[f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"],
            params=[tsquery_expression(words)],
            select=rank,
            select_params=_rank_params(words),
        )
    # Any other engine: a slow but correct fallback on the folded text.
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))


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
    from importlib import import_module

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    migration = import_module("filiere.organisations.migrations.0002_fulltext")
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
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN (%s, %s)",
                ["organisations_establishment_name_idx", "organisations_establishment_region_name_idx"],
            )
            repaired = repaired or cursor.fetchone()[0] != 2
        else:
            for statement in migration.POSTGRES_FORWARD:
                cursor.execute(statement)
        for statement in ORDER_INDEXES:
            cursor.execute(statement)
    return repaired
