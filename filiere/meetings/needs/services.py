"""Writes of the buyers' needs: post, publish, close, invite or broadcast, each firm's path
(opened, answered, declined, shortlisted, selected) and the follow-up.

Every service checks the rights it is given (`by=`), raises `ValidationError` naming the field
for a refused input before writing anything, and mails on commit (`core.mail`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.services import language_of
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.matching import services as matching
from filiere.matching.text import UserTextError
from filiere.organisations.models import Organisation
from filiere.territories.models import Department, Region

from . import selectors
from .models import BuyerNeed, InvitationSource, NeedInvitation, NeedKind, NeedOutcome, NeedStatus, PathStatus

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def budget_order_error(budget_min: int | None, budget_max: int | None) -> str:
    """The message when the budget range is upside down, else ""."""
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        return _("Le budget maximum (%(max)s €) est inférieur au budget minimum (%(min)s €).") % {
            "max": budget_max,
            "min": budget_min,
        }
    return ""


def deadline_error(deadline: dt.date | None) -> str:
    """The message when the deadline for answers is already past, else ""."""
    if deadline is not None and deadline < timezone.localdate():
        return _("La date limite des réponses est passée : choisissez une date à venir.")
    return ""


def _check_fields(
    *,
    budget_min: int | None,
    budget_max: int | None,
    deadline: dt.date,
    region: Region,
    department: Department | None,
) -> None:
    errors: dict[str, str] = {}
    if message := budget_order_error(budget_min, budget_max):
        errors["budget_max"] = message
    if message := deadline_error(deadline):
        errors["deadline"] = message
    if department is not None and department.region_id != region.pk:
        errors["department"] = _("Le département %(department)s n'est pas dans la région %(region)s.") % {
            "department": department.name,
            "region": region.name,
        }
    if errors:
        raise ValidationError(errors)


def _skill_ids(themes: str, title: str) -> list[int]:
    """The taxonomy skills the engine reads in the themes (the title when there are none)."""
    try:
        return [m.skill_id for m in matching.extract_skills(themes or title, limit=15)]
    except UserTextError:
        return []


def create_need(
    *,
    by: Any,
    organisation: Organisation,
    kind: str,
    title: str,
    description: str,
    deadline: dt.date,
    region: Region,
    themes: str = "",
    budget_min: int | None = None,
    budget_max: int | None = None,
    department: Department | None = None,
    confidential: bool = False,
    publish: bool = False,
) -> BuyerNeed:
    """Post a need for an organisation `by` edits (a draft, or published at once)."""
    if not permissions.has_role(by, organisation, permissions.EDITING_ROLES):
        raise PermissionDenied
    _check_fields(
        budget_min=budget_min, budget_max=budget_max, deadline=deadline, region=region, department=department
    )
    with transaction.atomic():
        need = BuyerNeed.objects.create(
            organisation=organisation, created_by=by, kind=kind, title=title, description=description,
            themes=themes, budget_min=budget_min, budget_max=budget_max, deadline=deadline, region=region,
            department=department, confidential=confidential,
        )  # fmt: skip
        need.skills.set(_skill_ids(themes, title))
        if publish:
            publish_need(by=by, need=need)
    return need


def update_need(*, by: Any, need: BuyerNeed, **fields: Any) -> BuyerNeed:
    """Change a draft or published need (not a closed one)."""
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status == NeedStatus.CLOSED:
        raise ValidationError(_("Ce besoin est clos : il ne se modifie plus."))
    merged = {
        name: fields.get(name, getattr(need, name))
        for name in ("budget_min", "budget_max", "deadline", "region", "department")
    }
    _check_fields(**merged)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(need, name, value)
        need.save()
        need.skills.set(_skill_ids(need.themes, need.title))
    return need


def publish_need(*, by: Any, need: BuyerNeed) -> BuyerNeed:
    """Publish a draft: public needs are then listed for the region's firms."""
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status != NeedStatus.DRAFT:
        raise ValidationError(_("Ce besoin est déjà publié."))
    if message := deadline_error(need.deadline):
        raise ValidationError({"deadline": message})
    need.status = NeedStatus.PUBLISHED
    need.published_at = timezone.now()
    need.save(update_fields=["status", "published_at", "updated_at"])
    return need


def close_need(*, by: Any, need: BuyerNeed, outcome: str, outcome_note: str = "") -> BuyerNeed:
    """Close a published need with its outcome; "awarded" needs a selected firm."""
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status != NeedStatus.PUBLISHED:
        raise ValidationError(_("Seul un besoin publié se clôt."))
    if outcome not in NeedOutcome.values:
        raise ValidationError({"outcome": _("Issue inconnue.")})
    if outcome == NeedOutcome.AWARDED and not need.invitations.filter(status=PathStatus.SELECTED).exists():
        raise ValidationError(
            {"outcome": _("Retenez d'abord au moins une entreprise pour attribuer le besoin.")}
        )
    need.status = NeedStatus.CLOSED
    need.closed_at = timezone.now()
    need.outcome = outcome
    need.outcome_note = outcome_note
    need.save(update_fields=["status", "closed_at", "outcome", "outcome_note", "updated_at"])
    return need


# --- Invitations --------------------------------------------------------------------------------


def _need_url(need: BuyerNeed) -> str:
    return absolute_url(reverse("meetings:need", args=[need.pk]))


def _mail_firm(organisation_id: int, template: str, context: dict[str, Any]) -> None:
    """One mail per language to the firm's editors and admins, each in theirs (the need's kind
    named in it too)."""
    for language, recipients in selectors.firm_recipients_by_language(organisation_id).items():
        with translation.override(language):
            localised = {**context, "kind": context["need"].get_kind_display()}
        send_templated_mail(template=template, to=recipients, context=localised, language=language)


def _mail_buyer(need: BuyerNeed, template: str, context: dict[str, Any]) -> None:
    """To the person who posted the need, in their language; to the buyer's editors when they
    have left."""
    author = need.created_by
    if author is not None and author.email and author.is_active:
        send_templated_mail(
            template=template, to=[author.email], context=context, language=language_of(author)
        )
    else:
        _mail_firm(need.organisation_id, template, context)


def _notify(invitation: NeedInvitation) -> None:
    need = invitation.need
    context = {
        "need": need,
        "buyer": need.organisation.name,
        "firm": invitation.organisation.name,
        "deadline": need.deadline,
        "url": _need_url(need),
    }
    _mail_firm(invitation.organisation_id, "meetings/needs/mail/invited", context)


def invite(
    *,
    by: Any,
    need: BuyerNeed,
    organisation_ids: Iterable[int],
    source: str = InvitationSource.INVITED,
    reasons: dict[int, str] | None = None,
) -> list[NeedInvitation]:
    """Invite organisations to answer a published need and notify them by mail.

    Every id is checked before anything is written: an unknown id, the buyer itself or an
    organisation of a kind the need does not take is refused, naming it. Firms already on the
    path are left as they are. Returns the new paths."""
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status != NeedStatus.PUBLISHED:
        raise ValidationError(_("Publiez le besoin avant d'inviter des entreprises."))
    ids = list(dict.fromkeys(int(pk) for pk in organisation_ids))
    if not ids:
        raise ValidationError({"organisations": _("Cochez au moins une entreprise.")})
    found = Organisation.objects.in_bulk(ids)
    kinds = selectors.allowed_kinds(need)
    errors = []
    for pk in ids:
        organisation = found.get(pk)
        if organisation is None:
            errors.append(_("Aucune organisation n° %(id)s dans l'annuaire.") % {"id": pk})
        elif organisation.pk == need.organisation_id:
            errors.append(_("« %(name)s » est l'organisation acheteuse.") % {"name": organisation.name})
        elif organisation.kind not in kinds:
            if need.kind == NeedKind.PARTNERS:
                errors.append(
                    _(
                        "« %(name)s » (%(kind)s) n'est ni une entreprise, ni une école, ni un organisme de formation, ni un laboratoire."
                    )
                    % {"name": organisation.name, "kind": organisation.get_kind_display()}
                )
            else:
                errors.append(
                    _(
                        "« %(name)s » (%(kind)s) n'est pas une entreprise : seules les entreprises sont invitées à ce besoin."
                    )
                    % {"name": organisation.name, "kind": organisation.get_kind_display()}
                )
    if errors:
        raise ValidationError({"organisations": errors})
    now = timezone.now()
    created = []
    with transaction.atomic():
        already = set(
            NeedInvitation.objects.select_for_update()
            .filter(need=need, organisation_id__in=ids)
            .values_list("organisation_id", flat=True)
        )
        for pk in ids:
            if pk in already:
                continue
            invitation = NeedInvitation.objects.create(
                need=need, organisation=found[pk], source=source, status=PathStatus.NOTIFIED,
                match_reasons=(reasons or {}).get(pk, "")[:1000], invited_by=by, notified_at=now,
            )  # fmt: skip
            _notify(invitation)
            created.append(invitation)
    return created


def broadcast(*, by: Any, need: BuyerNeed, top: int) -> list[NeedInvitation]:
    """Invite the `top` best proposals of the engine not invited yet (firms; for a call for
    partners, partners too)."""
    if not 1 <= top <= selectors.BROADCAST_MAX:
        raise ValidationError(
            {"top": _("Entre 1 et %(max)d entreprises.") % {"max": selectors.BROADCAST_MAX}}
        )
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    found = selectors.proposals(need, limit=selectors.BROADCAST_MAX)
    chosen = [p for p in found.all if not p.invited][:top]
    if not chosen:
        raise ValidationError({"top": _("Aucune entreprise proposée qui ne soit déjà invitée.")})
    return invite(
        by=by,
        need=need,
        organisation_ids=[p.organisation_id for p in chosen],
        source=InvitationSource.BROADCAST,
        reasons={p.organisation_id: p.reasons for p in chosen},
    )


def express_interest(*, by: Any, need: BuyerNeed, organisation: Organisation) -> NeedInvitation:
    """A firm of the region puts itself on the path of a public need."""
    if organisation not in selectors.firms_of(by, need):
        raise PermissionDenied
    if need.status != NeedStatus.PUBLISHED or need.confidential or need.deadline < timezone.localdate():
        raise ValidationError(_("Ce besoin ne reçoit plus de manifestations d'intérêt."))
    now = timezone.now()
    invitation, created = NeedInvitation.objects.get_or_create(
        need=need,
        organisation=organisation,
        defaults={
            "source": InvitationSource.INTEREST,
            "status": PathStatus.INTERESTED,
            "invited_by": by,
            "opened_at": now,
            "opened_by": by,
        },
    )
    return invitation


def mark_opened(*, by: Any, invitation: NeedInvitation) -> bool:
    """The first view of the need by one of the firm's people; later views change nothing."""
    if invitation.opened_at is not None:
        return False
    if invitation.organisation_id not in permissions.organisation_ids_of(by):
        return False
    now = timezone.now()
    changed = NeedInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=now, opened_by=by, updated_at=now
    )
    NeedInvitation.objects.filter(pk=invitation.pk, status=PathStatus.NOTIFIED).update(
        status=PathStatus.OPENED
    )
    invitation.refresh_from_db(fields=["opened_at", "opened_by", "status"])
    return bool(changed)


def _check_open(invitation: NeedInvitation) -> None:
    need = invitation.need
    if need.status != NeedStatus.PUBLISHED:
        raise ValidationError(_("Ce besoin est clos : il ne reçoit plus de réponse."))
    if need.deadline < timezone.localdate():
        raise ValidationError(_("La date limite des réponses est passée."))


def answer(
    *,
    by: Any,
    invitation: NeedInvitation,
    answer: str,
    amount: int | None = None,
    delay_days: int | None = None,
    attachment: Any = None,
) -> NeedInvitation:
    """The firm's answer (text, amount, delay, an optional PDF/ODT/DOCX up to 5 MB); answering
    again replaces it. The buyer is told by mail."""
    if not selectors.may_answer_for(by, invitation):
        raise PermissionDenied
    _check_open(invitation)
    if invitation.status in (PathStatus.SELECTED,):
        raise ValidationError(_("Votre entreprise est déjà retenue : la réponse ne se modifie plus."))
    if not answer.strip():
        raise ValidationError({"answer": _("Décrivez votre réponse.")})
    content = b""
    if attachment is not None:
        kind = getattr(attachment, "content_type", "")
        if kind not in ATTACHMENT_TYPES:
            raise ValidationError({"attachment": _("Pièce jointe en PDF, ODT ou DOCX seulement.")})
        if attachment.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachment": _("Pièce jointe de 5 Mo au plus.")})
        content = attachment.read()
    now = timezone.now()
    with transaction.atomic():
        invitation.answer = answer.strip()
        invitation.amount = amount
        invitation.delay_days = delay_days
        invitation.answered_at = now
        invitation.answered_by = by
        invitation.declined_at = None
        invitation.decline_reason = ""
        if invitation.opened_at is None:
            invitation.opened_at, invitation.opened_by = now, by
        if invitation.status != PathStatus.SHORTLISTED:
            invitation.status = PathStatus.ANSWERED
        if attachment is not None:
            invitation.attachment = content
            invitation.attachment_name = str(attachment.name)[:200]
            invitation.attachment_type = attachment.content_type
        invitation.save()
        need = invitation.need
        _mail_buyer(
            need,
            "meetings/needs/mail/answered",
            {
                "need": need,
                "firm": invitation.organisation.name,
                "amount": invitation.amount,
                "url": absolute_url(reverse("meetings:need_compare", args=[need.pk])),
            },
        )
    return invitation


def decline(*, by: Any, invitation: NeedInvitation, reason: str) -> NeedInvitation:
    """The firm declines, with its reason."""
    if not selectors.may_answer_for(by, invitation):
        raise PermissionDenied
    _check_open(invitation)
    if invitation.status == PathStatus.SELECTED:
        raise ValidationError(_("Votre entreprise est déjà retenue."))
    if not reason.strip():
        raise ValidationError({"reason": _("Dites pourquoi vous déclinez.")})
    now = timezone.now()
    invitation.status = PathStatus.DECLINED
    invitation.declined_at = now
    invitation.decline_reason = reason.strip()[:500]
    if invitation.opened_at is None:
        invitation.opened_at, invitation.opened_by = now, by
    invitation.save()
    return invitation


def shortlist(*, by: Any, invitation: NeedInvitation) -> NeedInvitation:
    """The buyer shortlists a firm that answered."""
    if not selectors.is_buyer(by, invitation.need):
        raise PermissionDenied
    if invitation.status != PathStatus.ANSWERED:
        raise ValidationError(_("Seule une entreprise qui a répondu peut être présélectionnée."))
    invitation.status = PathStatus.SHORTLISTED
    invitation.shortlisted_at = timezone.now()
    invitation.save(update_fields=["status", "shortlisted_at", "updated_at"])
    return invitation


def select(*, by: Any, invitation: NeedInvitation) -> NeedInvitation:
    """The buyer selects a firm that answered (several for a consortium); the firm is told."""
    need = invitation.need
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status != NeedStatus.PUBLISHED:
        raise ValidationError(_("Ce besoin est clos."))
    if invitation.status not in (PathStatus.ANSWERED, PathStatus.SHORTLISTED):
        raise ValidationError(_("Seule une entreprise qui a répondu peut être retenue."))
    now = timezone.now()
    with transaction.atomic():
        invitation.status = PathStatus.SELECTED
        invitation.selected_at = now
        invitation.shortlisted_at = invitation.shortlisted_at or now
        invitation.save(update_fields=["status", "selected_at", "shortlisted_at", "updated_at"])
        _mail_firm(
            invitation.organisation_id,
            "meetings/needs/mail/selected",
            {"need": need, "buyer": need.organisation.name, "url": _need_url(need)},
        )
    return invitation


# --- Follow-up ----------------------------------------------------------------------------------


def record_follow_up(
    *, by: Any, need: BuyerNeed, project_started: bool, project_amount: int | None = None
) -> BuyerNeed:
    """What came of the need: the project started or not, and for how much."""
    if not selectors.is_buyer(by, need):
        raise PermissionDenied
    if need.status == NeedStatus.DRAFT:
        raise ValidationError(_("Un brouillon n'a pas de suite."))
    if not project_started and project_amount:
        raise ValidationError({"project_amount": _("Pas de montant pour un projet qui n'a pas démarré.")})
    need.project_started = project_started
    need.project_amount = project_amount if project_started else None
    need.followed_up_at = timezone.now()
    need.save(update_fields=["project_started", "project_amount", "followed_up_at", "updated_at"])
    return need


def ask_follow_ups(*, today: dt.date | None = None) -> int:
    """Mail the buyer of each need whose deadline passed `FOLLOW_UP_AFTER_DAYS` ago: what came of
    it? Each need is asked once (scheduled daily, `SCHEDULE`)."""
    today = today or timezone.localdate()
    asked = 0
    for need in selectors.needs_due_for_follow_up(today):
        with transaction.atomic():
            # The flag is set under the row's own update: two runs at once ask once.
            if not BuyerNeed.objects.filter(pk=need.pk, follow_up_asked_at__isnull=True).update(
                follow_up_asked_at=timezone.now()
            ):
                continue
            _mail_buyer(
                need,
                "meetings/needs/mail/follow_up",
                {"need": need, "url": absolute_url(reverse("meetings:need_follow_up", args=[need.pk]))},
            )
            asked += 1
    return asked
