"""PostgreSQL: the "starts with" B-tree also carries `search_text`, so it answers alone.

The index of migration 0004 is on an expression, `substr(search_text, 1, 100)`; PostgreSQL only
plans an index-only scan when every column the query reads is in the index, and it does not
count the expression's own column. A broad prefix ("mar", ~12,000 of 1 M establishments) then
read one heap page per match (6,800 pages) to sort them by name. With `search_text` in INCLUDE,
the same query reads ~180 index pages (see docs/benchmarks.md). SQLite is unchanged: its
planner already reads the expression from the index.

The statement lists below are the full set for the current search objects (SQLite's are 0004's),
used by `organisations.search` and the benchmarks to drop and rebuild them around bulk loads.
"""

from importlib import import_module

from django.db import migrations

previous = import_module("filiere.organisations.migrations.0004_facet_tokens")

TABLE = previous.TABLE
facet_tokens_sql = previous.facet_tokens_sql
SEARCH_HEAD_SQL = previous.SEARCH_HEAD_SQL
SEARCH_TEXT_INDEX = previous.SEARCH_TEXT_INDEX  # SQLite
PG_SEARCH_TEXT_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {TABLE}_search_text_idx "
    f"ON {TABLE} ({SEARCH_HEAD_SQL} text_pattern_ops, name, id) INCLUDE (search_text)"
)
SQLITE_FORWARD = previous.SQLITE_FORWARD
SQLITE_BACKWARD = previous.SQLITE_BACKWARD
POSTGRES_FORWARD = [s for s in previous.POSTGRES_FORWARD if s != previous.PG_SEARCH_TEXT_INDEX] + [
    PG_SEARCH_TEXT_INDEX
]
POSTGRES_BACKWARD = previous.POSTGRES_BACKWARD


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_search_text_idx")
        schema_editor.execute(PG_SEARCH_TEXT_INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}_search_text_idx")
        schema_editor.execute(previous.PG_SEARCH_TEXT_INDEX)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_facet_tokens")]

    operations = [migrations.RunPython(forward, backward)]
