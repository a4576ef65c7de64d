"""Directory order within a region: (region_code, name, id) serves "region filter, by name" pages
(the home page's region cards) without sorting the region's rows. Not declared on the model,
like the other search-support objects of 0002."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_fulltext")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS organisations_establishment_region_name_idx "
            "ON organisations_establishment (region_code, name, id)",
            "DROP INDEX IF EXISTS organisations_establishment_region_name_idx",
        )
    ]
