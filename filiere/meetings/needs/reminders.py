"""The one reminder to an invited firm that has not answered (docs/meetings.md, "Buyers' needs").

A firm notified of a published need and that has neither answered nor declined is reminded once,
`REMIND_AFTER_DAYS` after its notification or `REMIND_BEFORE_DAYS` before the deadline, whichever
comes first, never after the deadline. Run daily by `tasks.need_reminders` (`SCHEDULE`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from filiere.core.mail import absolute_url, send_templated_mail

from . import selectors
from .models import NeedInvitation


def remind_firms(*, now: dt.datetime | None = None) -> int:
    """Mail each firm due for its reminder (its editors and admins, each in their language) and
    stamp `reminded_at`. Returns how many firms were reminded."""
    now = now or timezone.now()
    reminded = 0
    for invitation in selectors.invitations_due_for_reminder(now):
        with transaction.atomic():
            # Stamped under the row's own update, still unanswered: two runs at once remind once.
            if not NeedInvitation.objects.filter(
                pk=invitation.pk, reminded_at__isnull=True, answered_at__isnull=True, declined_at__isnull=True
            ).update(reminded_at=now):
                continue
            need = invitation.need
            context = {
                "need": need,
                "buyer": need.organisation.name,
                "firm": invitation.organisation.name,
                "deadline": need.deadline,
                "url": absolute_url(reverse("meetings:need", args=[need.pk])),
            }
            for language, recipients in selectors.firm_recipients_by_language(
                invitation.organisation_id
            ).items():
                send_templated_mail(
                    template="meetings/needs/mail/reminder", to=recipients, context=context, language=language
                )
            reminded += 1
    return reminded
