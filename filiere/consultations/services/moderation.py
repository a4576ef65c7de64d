"""The team's side of contributions: reports of abuse, hiding or restoring a contribution, and
answers (one reason for many near-duplicates)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions

from ..models import ANSWERABLE, Answer, Contribution, HideReason, Moderation, Process, Report
from .base import require_moderator, require_team


def report(*, by: Any, contribution: Contribution, reason: str, note: str = "") -> Report:
    """Report abuse (once per person and contribution)."""
    if not permissions.is_signed_in(by):
        raise PermissionDenied
    if reason not in HideReason.values:
        raise ValidationError({"reason": _("Choisissez un motif.")})
    try:
        with transaction.atomic():
            return Report.objects.create(
                contribution=contribution, reporter=by, reason=reason, note=note[:500]
            )
    except IntegrityError as exc:
        raise ValidationError(_("Vous avez déjà signalé cette contribution.")) from exc


@transaction.atomic
def moderate(*, by: Any, contribution: Contribution, hide: bool, reason: str = "") -> Contribution:
    """Hide (with a reason) or restore a contribution; its open reports are closed."""
    require_moderator(by, contribution.process)
    if hide and reason not in HideReason.values:
        raise ValidationError({"reason": _("Un masquage demande un motif.")})
    contribution.moderation = Moderation.HIDDEN if hide else Moderation.VISIBLE
    contribution.hide_reason = reason if hide else ""
    contribution.moderated_by = by
    contribution.moderated_at = timezone.now()
    contribution.save(
        update_fields=["moderation", "hide_reason", "moderated_by", "moderated_at", "updated_at"]
    )
    contribution.reports.filter(resolved_at=None).update(resolved_at=timezone.now())
    return contribution


@transaction.atomic
def answer(*, by: Any, process: Process, contribution_ids: Iterable[int], answer: str, reason: str) -> int:
    """The team answers one or many contributions (near-duplicates in bulk) with one reason."""
    require_team(by, process)
    if answer not in Answer.values or answer == Answer.PENDING:
        raise ValidationError({"answer": _("Choisissez une réponse.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Une réponse se motive : écrivez la raison.")})
    ids = {int(i) for i in contribution_ids}
    if not ids:
        raise ValidationError(_("Cochez au moins une contribution."))
    rows = Contribution.objects.filter(process=process, pk__in=ids, kind__in=ANSWERABLE, applied_in=None)
    if rows.count() != len(ids):
        raise ValidationError(
            _("Une contribution cochée n'est pas à répondre (autre consultation ou déjà intégrée).")
        )
    return rows.update(answer=answer, answer_reason=reason[:2000], answered_by=by, answered_at=timezone.now())
