"""Drop the database's full-text index of matching documents: nothing reads it.

Ranking reads in-process BM25 arrays built from `Document.terms` (`filiere.matching.corpus`)
since the lexical channel left the database; the SQLite FTS5 table and the PostgreSQL GIN index
of migration 0002 were still written on every indexing (one DELETE and one INSERT per document
on SQLite) for "SQL-side use" that no code, report or command made. Going back recreates them
and refills the SQLite table from `Document.terms`.
"""

from django.db import migrations

SQLITE_FORWARD = ["DROP TABLE IF EXISTS matching_document_fts"]
SQLITE_BACKWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS matching_document_fts USING fts5("
    "terms, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO matching_document_fts(rowid, terms) SELECT id, terms FROM matching_document",
]
PG_FORWARD = ["DROP INDEX IF EXISTS matching_document_terms_gin"]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS matching_document_terms_gin ON matching_document "
    "USING GIN (to_tsvector('simple'::regconfig, terms))",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_curated_skills")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
