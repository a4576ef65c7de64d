"""Minutes get a published state; a seat names the organisation its holder represents.

Existing data keeps what the pages showed: minutes already written were read by the seats, so
they count as published (at their last change); a seat in one's own name showed the person's
first organisation in the directory, which becomes its organisation."""

import django.db.models.deletion
from django.db import migrations, models


def keep_what_was_shown(apps, schema_editor):
    Meeting = apps.get_model("governance", "Meeting")
    Seat = apps.get_model("governance", "Seat")
    AccountMembership = apps.get_model("accounts", "Membership")
    for meeting in Meeting.objects.exclude(minutes="").filter(minutes_published_at__isnull=True):
        meeting.minutes_published_at = meeting.updated_at
        meeting.save(update_fields=["minutes_published_at"])
    for seat in Seat.objects.filter(organisation__isnull=True).select_related("membership"):
        if seat.membership_id:
            organisation_id = seat.membership.organisation_id
        else:
            first = AccountMembership.objects.filter(user_id=seat.user_id).order_by("pk").first()
            organisation_id = first.organisation_id if first else None
        if organisation_id:
            seat.organisation_id = organisation_id
            seat.save(update_fields=["organisation"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_invitations_join_requests_signup'),
        ('governance', '0002_feeband_year'),
        ('organisations', '0008_directory_export'),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='minutes_published_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='procès-verbal publié le'),
        ),
        migrations.AddField(
            model_name='seat',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organisations.organisation', verbose_name='organisation représentée'),
        ),
        migrations.RunPython(keep_what_was_shown, migrations.RunPython.noop),
    ]
