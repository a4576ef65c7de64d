from django.contrib import admin

from filiere.core.models import ImportRun, ScheduledJob


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "started_at", "finished_at", "counts"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """What `filiere scheduler` last enqueued; read only (the schedule is settings.SCHEDULE)."""

    list_display = ["task_path", "last_slot", "last_enqueued_at", "last_result_id"]
    readonly_fields = [f.name for f in ScheduledJob._meta.fields]
