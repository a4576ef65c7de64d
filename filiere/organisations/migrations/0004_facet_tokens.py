"""Facet tokens in the full-text index, and a B-tree on search_text for "starts with" pages.

The full-text index now also holds one reserved token per facet value of the establishment,
computed by the database from the facet columns (`FACET_TOKENS_SQL`): `zzreg27 zzdep21
zzkindcompany zzstatea zzdig1 zznaf6201z zzhc11`. A search with text and facet filters then
intersects the filters inside FTS5 / the GIN index instead of reading every text match to check
its columns. `search_text` itself is unchanged (importers and services keep writing
`search_text_for(...)`): the tokens never need to be written by Python, so they cannot drift
from the columns.

SQLite: a contentless FTS5 table with two columns, `search_text` (what users search) and
`facets` (the tokens, which a text query cannot reach: queries name the `search_text` column),
kept in sync by triggers that also fire when a facet column changes. PostgreSQL: the GIN index
is on `to_tsvector('simple', search_text || <tokens>)` (`filiere.organisations.search.PG_VECTOR`).

Both engines also get `organisations_establishment_search_text_idx`, a B-tree on
(the first 100 characters of search_text, name, id): the rows whose text starts with the query (the best-ranked ones) are a
range of it, so the first page of a broad query ("mar") does not sort every text match.
"""

from django.db import migrations


def facet_tokens_sql(row: str = "") -> str:
    """The facet tokens of a row as an SQL expression (same on SQLite and PostgreSQL).

    `row` is a prefix for the columns ("new.", "old." in triggers). Values become single
    tokens: the separators that tokenizers split on ('_' of kinds, '.' of NAF codes) are removed.
    """
    return (
        f"'zzreg' || {row}region_code || ' zzdep' || {row}department_code"
        f" || ' zzkind' || replace({row}kind, '_', '') || ' zzstate' || {row}state"
        f" || ' zzdig' || (CASE WHEN {row}is_digital THEN '1' ELSE '0' END)"
        f" || ' zznaf' || replace({row}naf_code, '.', '') || ' zzhc' || {row}headcount_band"
    )


FTS = "organisations_establishment_fts"
TABLE = "organisations_establishment"
# The start of the text only (a B-tree entry must stay small on PostgreSQL, whatever the tags).
SEARCH_HEAD_SQL = "substr(search_text, 1, 100)"
SEARCH_TEXT_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {TABLE}_search_text_idx ON {TABLE} ({SEARCH_HEAD_SQL}, name, id)"
)
# PostgreSQL: text_pattern_ops, so that `... LIKE 'mar%'` is a range of the index whatever the
# database collation.
PG_SEARCH_TEXT_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_search_text_idx ON {TABLE} ({SEARCH_HEAD_SQL} text_pattern_ops, name, id)"
_WATCHED = "search_text, region_code, department_code, kind, state, is_digital, naf_code, headcount_band"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        search_text, facets, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, search_text, facets) VALUES (new.id, new.search_text, {facet_tokens_sql("new.")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text, facets)
        VALUES ('delete', old.id, old.search_text, {facet_tokens_sql("old.")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF {_WATCHED} ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text, facets)
        VALUES ('delete', old.id, old.search_text, {facet_tokens_sql("old.")});
        INSERT INTO {FTS}(rowid, search_text, facets) VALUES (new.id, new.search_text, {facet_tokens_sql("new.")});
    END""",
    # (Re)fill: a contentless table has no 'rebuild'; empty it and index every row.
    f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')",
    f"INSERT INTO {FTS}(rowid, search_text, facets) SELECT id, search_text, {facet_tokens_sql()} FROM {TABLE}",
    SEARCH_TEXT_INDEX,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP INDEX IF EXISTS {TABLE}_search_text_idx",
]
POSTGRES_FORWARD = [
    f"""CREATE INDEX IF NOT EXISTS {TABLE}_fts_facets_gin ON {TABLE}
        USING gin (to_tsvector('simple'::regconfig, search_text || ' ' || {facet_tokens_sql()}))""",
    PG_SEARCH_TEXT_INDEX,
]
POSTGRES_BACKWARD = [
    f"DROP INDEX IF EXISTS {TABLE}_fts_facets_gin",
    f"DROP INDEX IF EXISTS {TABLE}_search_text_idx",
]


def _previous():
    from importlib import import_module

    return import_module("filiere.organisations.migrations.0002_fulltext")


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    previous = _previous()
    if vendor == "sqlite":
        for statement in [*previous.SQLITE_BACKWARD, *SQLITE_FORWARD]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in [*previous.POSTGRES_BACKWARD, *POSTGRES_FORWARD]:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    previous = _previous()
    if vendor == "sqlite":
        for statement in [*SQLITE_BACKWARD, *previous.SQLITE_FORWARD]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in [*POSTGRES_BACKWARD, *previous.POSTGRES_FORWARD]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_region_name_index")]

    operations = [migrations.RunPython(forward, backward)]
