"""Load the application sectors (filiere/showcase/sectors.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from filiere.showcase.sectors import sync_sectors

    sync_sectors(apps.get_model("showcase", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("showcase", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
