"""Contributions in the current phase: amendments, proposals, arguments and comments, with the
spam brake, and one support per person and contribution."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import selectors
from ..models import (
    ANSWERABLE,
    Contribution,
    Field,
    Kind,
    Moderation,
    NodeType,
    Participation,
    Phase,
    Process,
    Support,
)
from .base import MAX_BODY, MAX_TITLE, clean_text

# Spam brake: contributions one person may post in a process within an hour.
MAX_PER_HOUR = 30


PERMISSION_OF_KIND = {
    Kind.AMENDMENT: "may_amend",
    Kind.PROPOSAL: "may_propose",
    Kind.ARGUMENT_FOR: "may_argue",
    Kind.ARGUMENT_AGAINST: "may_argue",
    Kind.COMMENT: "may_argue",
}


def _phase_allowing(process: Process, flag: str, today: dt.date) -> Phase:
    phase = selectors.current_phase(process, today)
    if phase is not None and getattr(phase, flag):
        return phase
    last = process.phases.filter(**{flag: True}, ends_on__lt=today).order_by("-ends_on").first()
    if last is not None:
        raise ValidationError(
            _("La phase « %(title)s » est close depuis le %(date)s : rien n'a été enregistré.")
            % {"title": last.title, "date": date_format(last.ends_on, "SHORT_DATE_FORMAT")}
        )
    upcoming = process.phases.filter(**{flag: True}, starts_on__gt=today).order_by("starts_on").first()
    if upcoming is not None:
        raise ValidationError(
            _("La phase « %(title)s » ouvre le %(date)s.")
            % {"title": upcoming.title, "date": date_format(upcoming.starts_on, "SHORT_DATE_FORMAT")}
        )
    raise ValidationError(_("Aucune phase de cette consultation ne le permet."))


def _check_rate(participation: Participation, now: dt.datetime) -> None:
    recent = participation.contributions.filter(created_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= MAX_PER_HOUR:
        raise ValidationError(
            _("Vous avez publié %(n)s contributions dans l'heure : attendez un peu avant la suivante.")
            % {"n": recent}
        )


@transaction.atomic
def contribute(
    *,
    by: Any,
    process: Process,
    kind: str,
    node_type: str,
    node_id: int,
    body: str,
    title: str = "",
    field: str = "",
    parent: Contribution | None = None,
    today: dt.date | None = None,
) -> Contribution:
    """Post an amendment (the new text of a section's title or description), a proposal (a new
    action under an objective), an argument for/against or a comment, in the current phase."""
    participation = selectors.participation_of(by, process)
    if participation is None:
        raise ValidationError(_("Inscrivez-vous à la consultation avant de contribuer."))
    if kind not in PERMISSION_OF_KIND:
        raise ValidationError({"kind": _("Type de contribution inconnu.")})
    now = timezone.now()
    phase = _phase_allowing(process, PERMISSION_OF_KIND[Kind(kind)], today or timezone.localdate())
    section = selectors.find_section(process, node_type, node_id)
    body = clean_text(body, field="body", limit=MAX_BODY)
    title = clean_text(title, field="title", limit=MAX_TITLE) if title.strip() else ""
    original = ""
    if kind == Kind.AMENDMENT:
        if field not in Field.values:
            raise ValidationError({"field": _("Choisissez le titre ou la description.")})
        original = section.text(field)
        if body == original:
            raise ValidationError({"body": _("Le texte proposé est identique au texte actuel.")})
        if field == Field.TITLE and len(body) > MAX_TITLE:
            raise ValidationError({"body": _("Un titre compte 255 caractères au plus.")})
    if kind == Kind.PROPOSAL:
        if node_type != NodeType.OBJECTIVE:
            raise ValidationError(_("Une nouvelle action se propose sous un objectif."))
        if not title:
            raise ValidationError({"title": _("Donnez un titre à l'action proposée.")})
    if parent is not None and (parent.process_id != process.pk or parent.kind not in ANSWERABLE):
        raise ValidationError(_("On argumente sur un amendement ou une proposition de cette consultation."))
    _check_rate(participation, now)
    return Contribution.objects.create(
        process=process,
        phase=phase,
        participation=participation,
        kind=kind,
        node_type=node_type,
        node_id=node_id,
        section_label=f"{section.label} · {section.title}"[:255],
        parent=parent,
        field=field if kind == Kind.AMENDMENT else "",
        original_text=original,
        title=title,
        body=body,
    )


def support(*, by: Any, contribution: Contribution, today: dt.date | None = None) -> Support:
    """One support per person and contribution (a unique constraint holds it under concurrency)."""
    process = contribution.process
    participation = selectors.participation_of(by, process)
    if participation is None:
        raise ValidationError(_("Inscrivez-vous à la consultation avant de soutenir."))
    if contribution.kind not in ANSWERABLE or contribution.moderation != Moderation.VISIBLE:
        raise ValidationError(_("Seuls les amendements et propositions visibles se soutiennent."))
    _phase_allowing(process, "may_support", today or timezone.localdate())
    try:
        with transaction.atomic():
            row = Support.objects.create(contribution=contribution, participation=participation)
            Contribution.objects.filter(pk=contribution.pk).update(supports_count=F("supports_count") + 1)
    except IntegrityError as exc:
        raise ValidationError(
            _("Vous soutenez déjà cette contribution : un seul soutien par personne.")
        ) from exc
    return row


@transaction.atomic
def withdraw_support(*, by: Any, contribution: Contribution) -> None:
    participation = selectors.participation_of(by, contribution.process)
    deleted, _rows = Support.objects.filter(contribution=contribution, participation=participation).delete()
    if deleted:
        Contribution.objects.filter(pk=contribution.pk).update(supports_count=F("supports_count") - 1)
