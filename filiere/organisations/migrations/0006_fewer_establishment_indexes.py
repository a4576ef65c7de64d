"""Establishments: drop the indexes no query uses, which every imported row paid for.

- `region_code` and `state` lose their single-column indexes: the facets index
  (region_code, is_digital, state) and the (region_code, name, id) index start with the region,
  and a two-value state is never worth an index of its own.
- PostgreSQL also drops the `*_like` twins (varchar_pattern_ops) Django adds beside every indexed
  CharField: no query filters these columns with LIKE.

The model state changes by `AlterField` only (db_index off), with `DROP INDEX IF EXISTS` for the
database: Django's own AlterField would rebuild the whole table on SQLite to drop an index.
"""

from django.db import migrations, models

TABLE = "organisations_establishment"
BOTH = [f"{TABLE}_region_code_fb0ac93f", f"{TABLE}_state_837d7d80"]
POSTGRES_LIKE = [
    f"{TABLE}_region_code_fb0ac93f_like",
    f"{TABLE}_state_837d7d80_like",
    f"{TABLE}_department_code_ef98ae87_like",
    f"{TABLE}_kind_c6d25394_like",
    f"{TABLE}_naf_code_d5557617_like",
    f"{TABLE}_headcount_band_e642815b_like",
    f"{TABLE}_commune_id_4ffa91fa_like",
    f"{TABLE}_siret_5a534f03_like",
]
LIKE_COLUMNS = {
    name: column
    for name, column in zip(
        POSTGRES_LIKE,
        ["region_code", "state", "department_code", "kind", "naf_code", "headcount_band", "commune_id", "siret"],
        strict=True,
    )
}
RESTORE = {
    f"{TABLE}_region_code_fb0ac93f": "region_code",
    f"{TABLE}_state_837d7d80": "state",
}


def forward(apps, schema_editor):
    names = BOTH + (POSTGRES_LIKE if schema_editor.connection.vendor == "postgresql" else [])
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backward(apps, schema_editor):
    for name, column in RESTORE.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} ({column})")
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRES_LIKE:
            column = LIKE_COLUMNS[name]
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_covering_search_text_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="establishment",
                    name="region_code",
                    field=models.CharField(blank=True, max_length=3, verbose_name="région"),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="state",
                    field=models.CharField(
                        choices=[("A", "Active"), ("F", "Fermée")],
                        default="A",
                        max_length=1,
                        verbose_name="état",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
