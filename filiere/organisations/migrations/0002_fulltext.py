"""Full-text search objects for the directory, one set per database engine.

SQLite: an external-content FTS5 table over establishment.search_text, with triggers that keep
it in sync, plus a rebuild for rows that already exist. PostgreSQL: a GIN index on the
'simple' tsvector of search_text (same expression as filiere.organisations.search.PG_VECTOR).
Both: an index on establishment name, the tie-breaker order of every directory list.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS organisations_establishment_fts USING fts5(
        search_text, content='organisations_establishment', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER IF NOT EXISTS organisations_establishment_fts_ai
        AFTER INSERT ON organisations_establishment BEGIN
        INSERT INTO organisations_establishment_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS organisations_establishment_fts_ad
        AFTER DELETE ON organisations_establishment BEGIN
        INSERT INTO organisations_establishment_fts(organisations_establishment_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS organisations_establishment_fts_au
        AFTER UPDATE OF search_text ON organisations_establishment BEGIN
        INSERT INTO organisations_establishment_fts(organisations_establishment_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO organisations_establishment_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO organisations_establishment_fts(organisations_establishment_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS organisations_establishment_fts_au",
    "DROP TRIGGER IF EXISTS organisations_establishment_fts_ad",
    "DROP TRIGGER IF EXISTS organisations_establishment_fts_ai",
    "DROP TABLE IF EXISTS organisations_establishment_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX IF NOT EXISTS organisations_establishment_fts_gin ON organisations_establishment
        USING gin (to_tsvector('simple'::regconfig, search_text))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS organisations_establishment_fts_gin"]
COMMON_FORWARD = [
    "CREATE INDEX IF NOT EXISTS organisations_establishment_name_idx ON organisations_establishment (name)",
]
COMMON_BACKWARD = ["DROP INDEX IF EXISTS organisations_establishment_name_idx"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    _run(schema_editor, COMMON_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    _run(schema_editor, COMMON_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
