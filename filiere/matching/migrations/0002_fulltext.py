"""Lexical index objects for matching documents, each engine creating only its own.

SQLite: an FTS5 table keyed by Document.id holding `terms` (kept in sync from Python by
`filiere.matching.backends`, so no triggers that a table remake could silently drop).
PostgreSQL: a GIN index on to_tsvector('simple', terms) (terms are already folded and stemmed in
Python, so both engines see the same words), plus a trigram index when pg_trgm is available.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS matching_document_fts USING fts5("
    "terms, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS matching_document_fts"]
PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS matching_document_terms_gin ON matching_document "
    "USING GIN (to_tsvector('simple'::regconfig, terms))",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS matching_document_terms_gin"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
