"""Invitation and reminder mails: sent by batches of `MAIL_BATCH`, each mail recorded
(`InvitationMail`), a refused batch undone and retried; who gets a reminder and when."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.needs import selectors
from filiere.needs.models import (
    Campaign,
    Invitation,
    InvitationMail,
    MailKind,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

from .base import max_reminders, require_permission, survey_url

logger = logging.getLogger("filiere.needs.services")


MAIL_BATCH = 100


def _message(invitation: Invitation, kind: str) -> EmailMessage:
    campaign = invitation.campaign
    values = {
        "title": campaign.title,
        "company": invitation.organisation.name,
        "url": survey_url(invitation),
        "closes": campaign.closes_on.strftime("%d/%m/%Y"),
        "intro": campaign.introduction.strip(),
    }
    if kind == MailKind.REMINDER:
        subject = _("Relance — enquête « %(title)s »") % values
        body = (
            _(
                "Bonjour,\n\nSauf erreur, %(company)s n'a pas encore répondu à l'enquête « %(title)s ». "
                "Cinq minutes suffisent, jusqu'au %(closes)s :\n%(url)s\n\nMerci !"
            )
            % values
        )
    else:
        subject = _("Enquête sur vos besoins en compétences : %(title)s") % values
        body = (
            _(
                "Bonjour,\n\n%(intro)s\n\nVotre lien personnel pour répondre au nom de %(company)s "
                "(sans créer de compte, modifiable jusqu'au %(closes)s) :\n%(url)s\n\n"
                "Ce lien est propre à votre entreprise : ne le transmettez qu'à vos collègues."
            )
            % values
        )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _send(invitations: list[Invitation], kind: str, now: dt.datetime) -> int:
    """Record then send one mail per invitation; a reminder already recorded today is skipped.

    Recording first means two runs at once never mail a company twice (the unique constraint on
    reminders per day); if the mail server then refuses a batch, its records are undone so the
    next run tries again.
    """
    today = timezone.localdate(now)
    sent = 0
    connection = get_connection()
    for start in range(0, len(invitations), MAIL_BATCH):
        batch: list[tuple[Invitation, InvitationMail]] = []
        for invitation in invitations[start : start + MAIL_BATCH]:
            try:
                with transaction.atomic():
                    record = InvitationMail.objects.create(
                        invitation=invitation, kind=kind, sent_at=now, sent_on=today, to=invitation.email
                    )
                    Invitation.objects.filter(pk=invitation.pk).update(**_mailed(kind, now))
            except IntegrityError:  # another run reminded this company today
                continue
            batch.append((invitation, record))
        if not batch:
            continue
        try:
            sent += connection.send_messages([_message(i, kind) for i, _record in batch]) or 0
        except Exception:  # SMTP down or refusing: undo this batch, the next run retries it
            logger.exception("needs: %d mail(s) could not be sent", len(batch))
            with transaction.atomic():
                InvitationMail.objects.filter(pk__in=[r.pk for _i, r in batch]).delete()
                for invitation, _record in batch:
                    Invitation.objects.filter(pk=invitation.pk).update(
                        sent_at=invitation.sent_at,
                        last_mailed_at=invitation.last_mailed_at,
                        reminder_count=invitation.reminder_count,
                    )
    return sent


def _mailed(kind: str, now: dt.datetime) -> dict[str, Any]:
    update: dict[str, Any] = {"last_mailed_at": now}
    if kind == MailKind.INVITATION:
        update["sent_at"] = now
    else:
        update["reminder_count"] = F("reminder_count") + 1
    return update


def send_invitations(*, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Mail the invitations not sent yet that have an address (open campaigns only)."""
    now = now or timezone.now()
    if not campaign.accepts_answers(timezone.localdate(now)):
        return 0
    pending = list(
        campaign.invitations.filter(sent_at__isnull=True, answered_at__isnull=True)
        .exclude(email="")
        .select_related("organisation", "campaign")
    )
    return _send(pending, MailKind.INVITATION, now)


def reminder_candidates(campaign: Campaign, *, now: dt.datetime, force: bool = False) -> list[Invitation]:
    """Invited companies to remind: no answer, an address, invited, under the reminder limit,
    last mailed at least `reminder_after_days` ago (any time before today with `force`), and
    not mailed today."""
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    delay = dt.timedelta(days=campaign.reminder_after_days)
    invitations = campaign.invitations.filter(
        answered_at__isnull=True,
        sent_at__isnull=False,
        reminder_count__lt=max_reminders(),
        last_mailed_at__lt=start_of_day,
    ).exclude(email="")
    if not force:
        invitations = invitations.filter(last_mailed_at__lte=now - delay)
    invitations = invitations.exclude(mails__kind=MailKind.REMINDER, mails__sent_on=today)
    return list(invitations.select_related("organisation", "campaign"))


def send_reminders(
    *,
    campaign: Campaign | None = None,
    user: User | None = None,
    now: dt.datetime | None = None,
    force: bool = False,
) -> int:
    """Remind the companies that have not answered (see `reminder_candidates`); also sends the
    invitations of campaigns whose opening day has come. Every mail is recorded. Returns mails sent."""
    now = now or timezone.now()
    if campaign is not None and user is not None:
        require_permission(
            selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne.")
        )
    campaigns = Campaign.objects.accepting_answers(timezone.localdate(now))
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    sent = 0
    for current in campaigns:
        sent += send_invitations(campaign=current, now=now)
        sent += _send(reminder_candidates(current, now=now, force=force), MailKind.REMINDER, now)
    return sent
