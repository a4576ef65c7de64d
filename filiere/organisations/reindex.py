"""Rebuild the directory's full-text index from `Establishment.search_text` (`filiere reindex`).

`search_text` is a column: it travels with every backup and fixture. What is derived from it
lives outside the models: on SQLite the contentless FTS5 table and its triggers (a fixture
loaded into a database whose triggers a table remake dropped is never indexed), on PostgreSQL
the GIN and B-tree expression indexes. `rebuild_index` recreates the objects that are missing,
refills the SQLite index and refreshes PostgreSQL's planner statistics (never dumped).
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection, transaction

from .models import Establishment
from .search import ESTABLISHMENT_TABLE, FTS_TABLE, SEARCH_MIGRATION, ensure_search_objects


def rebuild_index() -> dict[str, int]:
    """Recreate missing search objects and rebuild the full-text index; returns the row count."""
    migration = import_module(SEARCH_MIGRATION)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Called inside a transaction that wrote rows (a test, a script), the deferred
            # foreign-key checks would forbid CREATE INDEX: run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ensure_search_objects()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, search_text, facets) "
                    f"SELECT id, search_text, {migration.facet_tokens_sql()} FROM {ESTABLISHMENT_TABLE}"
                )
            elif connection.vendor == "postgresql":
                # The GIN and B-tree indexes follow the rows (pg_restore rebuilds them), but the
                # planner statistics are not in a dump: without them the first searches after a
                # restore may not use the indexes.
                cursor.execute(f"ANALYZE {ESTABLISHMENT_TABLE}")
    return {"establishments": Establishment.objects.count()}
