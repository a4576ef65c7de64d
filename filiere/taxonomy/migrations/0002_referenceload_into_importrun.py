"""Reference loads become `core.ImportRun` rows of kind "reference:<dataset>" (one import-run
model for every importer); the history of each dataset's last load is kept."""

from django.db import migrations


def forwards(apps, schema_editor):
    ReferenceLoad = apps.get_model("taxonomy", "ReferenceLoad")
    ImportRun = apps.get_model("core", "ImportRun")
    for load in ReferenceLoad.objects.all():
        run = ImportRun.objects.create(
            kind=f"reference:{load.dataset}",
            files=[load.data_dir] if load.data_dir else [],
            status="done",
            finished_at=load.loaded_at,
            heartbeat_at=load.loaded_at,
            pid=None,
            host="",
            counts={"created": load.created, "updated": load.updated, "unchanged": load.unchanged, "rejected": 0},
            options={"dataset": load.dataset, "tables": load.details, "data_dir": load.data_dir},
        )
        # started_at is auto_now_add: set it afterwards to when the load happened.
        ImportRun.objects.filter(pk=run.pk).update(started_at=load.loaded_at)


def backwards(apps, schema_editor):
    ReferenceLoad = apps.get_model("taxonomy", "ReferenceLoad")
    ImportRun = apps.get_model("core", "ImportRun")
    runs = ImportRun.objects.filter(kind__startswith="reference:", status="done").order_by("finished_at")
    for run in runs:  # the latest run of each dataset wins
        counts = run.counts or {}
        ReferenceLoad.objects.update_or_create(
            dataset=run.kind.removeprefix("reference:"),
            defaults={
                "loaded_at": run.finished_at or run.started_at,
                "created": counts.get("created", 0),
                "updated": counts.get("updated", 0),
                "unchanged": counts.get("unchanged", 0),
                "details": (run.options or {}).get("tables", {}),
                "data_dir": (run.options or {}).get("data_dir", ""),
            },
        )
    runs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_importrun_process_heartbeat"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ReferenceLoad"),
    ]
