"""Local skills for the curated acronyms that neither ESCO nor ROME has (RPA)."""

from django.db import migrations


def forward(apps, schema_editor):
    from filiere.matching.gazetteer import ensure_curated_skills

    ensure_curated_skills(apps.get_model("taxonomy", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_index_state"), ("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
