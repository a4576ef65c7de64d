"""ImportRun records its process (host, pid) and a heartbeat, so a run killed outright is found.

Runs that existed before were not run by the process applying this migration: their host, pid
and heartbeat are emptied (a run still "running" then counts as abandoned).
"""

import django.utils.timezone
import filiere.core.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_scheduled_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='dernier signe de vie'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='host',
            field=models.CharField(blank=True, default=filiere.core.models.current_host, max_length=255, verbose_name='machine'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='pid',
            field=models.PositiveIntegerField(blank=True, default=filiere.core.models.current_pid, null=True, verbose_name='processus'),
        ),
        migrations.RunSQL(
            "UPDATE core_importrun SET host = '', pid = NULL, heartbeat_at = NULL",
            migrations.RunSQL.noop,
        ),
    ]
