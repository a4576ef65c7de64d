"""Writes of consultations: processes and phases, participation, contributions, supports, reports,
moderation, answers, new versions of the plan and workshop conclusions.

Every function is keyword-only, checks the rights of `by` and raises `ValidationError` with a
French message naming the field when it refuses; nothing is written on refusal. The plan itself
is changed only through `roadmaps.services` (the same rules and activity log as a manual edit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import User
from filiere.events import selectors as events_selectors
from filiere.matching.text import UserTextError, clean_user_text
from filiere.organisations.models import Organisation
from filiere.roadmaps import selectors as roadmaps
from filiere.roadmaps import services as roadmaps_services
from filiere.territories.models import Department

from . import selectors
from .models import (
    ANSWERABLE,
    Answer,
    Contribution,
    Field,
    HideReason,
    Kind,
    Meeting,
    Moderation,
    NodeType,
    Participation,
    Phase,
    PlanVersion,
    Process,
    Report,
    Support,
    VersionChange,
    Visibility,
)

MAX_BODY = 5000
MAX_TITLE = 255
# Spam brake: contributions one person may post in a process within an hour.
MAX_PER_HOUR = 30


def _require_team(by: Any, process: Process) -> None:
    if not selectors.is_team(by, process):
        raise PermissionDenied


def _require_moderator(by: Any, process: Process) -> None:
    if not selectors.is_moderator(by, process):
        raise PermissionDenied


# --- Processes -------------------------------------------------------------------------------------


@transaction.atomic
def create_process(
    *, by: Any, plan: Any, title: str, description: str = "", phases: Iterable[Mapping[str, Any]] = ()
) -> Process:
    """Open a process on `plan` (its current content becomes version 1, the draft)."""
    if not roadmaps.can_edit_plan(by, plan):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Donnez un titre à la consultation.")})
    process = Process.objects.create(plan=plan, title=title.strip()[:255], description=description)
    for position, fields in enumerate(phases, start=1):
        add_phase(by=by, process=process, position=position, **fields)
    PlanVersion.objects.create(
        process=process,
        number=1,
        note=_("Projet soumis à la consultation"),
        snapshot=selectors.snapshot(plan),
        created_by=by,
    )
    return process


def add_phase(
    *,
    by: Any,
    process: Process,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    position: int = 0,
    description: str = "",
    may_amend: bool = False,
    may_propose: bool = False,
    may_argue: bool = False,
    may_support: bool = False,
) -> Phase:
    """Add a phase; its dates must not overlap another phase's (one current phase at a time)."""
    _require_team(by, process)
    phase = Phase(
        process=process,
        kind=kind,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        position=position or process.phases.count() + 1,
        may_amend=may_amend,
        may_propose=may_propose,
        may_argue=may_argue,
        may_support=may_support,
    )
    phase.full_clean(exclude=["process"])
    overlap = process.phases.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if overlap:
        raise ValidationError(
            {"starts_on": _("Ces dates chevauchent la phase « %(title)s ».") % {"title": overlap.title}}
        )
    phase.save()
    return phase


def set_published(*, by: Any, process: Process, published: bool) -> Process:
    _require_team(by, process)
    process.is_published = published
    process.save(update_fields=["is_published", "updated_at"])
    return process


# --- Participation -------------------------------------------------------------------------------


def _check_firm(user: User, siren: str) -> tuple[Organisation | None, bool]:
    """The firm a participant claims, found in the directory by SIREN; verified when the person
    holds a membership in it."""
    siren = "".join(siren.split())
    if not siren:
        return None, False
    if not (siren.isdigit() and len(siren) == 9):
        raise ValidationError({"siren": _("Un SIREN compte 9 chiffres.")})
    organisation = Organisation.objects.filter(siren=siren).first()
    if organisation is None:
        raise ValidationError(
            {
                "siren": _("Le SIREN %(siren)s n'est pas dans l'annuaire : laissez vide ou corrigez-le.")
                % {"siren": siren}
            }
        )
    return organisation, organisation.pk in permissions.organisation_ids_of(user)


@transaction.atomic
def join(
    *,
    by: Any,
    process: Process,
    pseudonym: str,
    actor_kind: str,
    consent: bool,
    visibility: str = Visibility.PSEUDONYM,
    siren: str = "",
    department: Department | None = None,
) -> Participation:
    """Take part in `process` (once per person); consent to the publication of one's texts is
    required. Calling it again updates the person's choices."""
    if not permissions.is_signed_in(by):
        raise PermissionDenied
    if not selectors.can_see_process(by, process):
        raise PermissionDenied
    if not consent:
        raise ValidationError({"consent": _("Votre accord est nécessaire pour publier vos contributions.")})
    pseudonym = " ".join(pseudonym.split())[:60]
    if len(pseudonym) < 3:
        raise ValidationError({"pseudonym": _("Choisissez un pseudonyme d'au moins 3 caractères.")})
    organisation, verified = _check_firm(by, siren)
    taken = Participation.objects.filter(process=process, pseudonym__iexact=pseudonym).exclude(user=by)
    if taken.exists():
        raise ValidationError({"pseudonym": _("Ce pseudonyme est déjà pris dans cette consultation.")})
    participation, _created = Participation.objects.update_or_create(
        process=process,
        user=by,
        defaults={
            "pseudonym": pseudonym,
            "display_name": by.get_full_name() or by.username,
            "visibility": visibility,
            "actor_kind": actor_kind,
            "organisation": organisation,
            "organisation_verified": verified,
            "department": department,
            "consent_at": timezone.now(),
        },
    )
    return participation


@transaction.atomic
def erase_participation(*, by: Any, participation: Participation) -> Participation:
    """Erasure: the texts stay (the consultation's record), the identity goes for good."""
    if participation.user_id != getattr(by, "pk", None) and not selectors.is_team(by, participation.process):
        raise PermissionDenied
    person = participation.user
    participation.user = None
    participation.display_name = ""
    participation.pseudonym = f"effacé-{participation.pk}"
    participation.visibility = Visibility.PSEUDONYM
    participation.organisation = None
    participation.organisation_verified = False
    participation.department = None
    participation.erased_at = timezone.now()
    participation.save()
    # Their reports stay (moderation history) without saying who made them.
    if person is not None:
        Report.objects.filter(reporter=person, contribution__process=participation.process).update(
            reporter=None
        )
    return participation


# --- Contributions ----------------------------------------------------------------------------------

PERMISSION_OF_KIND = {
    Kind.AMENDMENT: "may_amend",
    Kind.PROPOSAL: "may_propose",
    Kind.ARGUMENT_FOR: "may_argue",
    Kind.ARGUMENT_AGAINST: "may_argue",
    Kind.COMMENT: "may_argue",
}


def _clean(text: str, *, field: str, limit: int) -> str:
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("Texte trop long : %(n)s caractères, %(max)s au plus.")
                % {"n": len(text), "max": limit}
            }
        )
    try:
        cleaned = clean_user_text(text, max_chars=limit)
    except UserTextError as error:
        raise ValidationError({field: error.message}) from error
    return " ".join(cleaned.split(" ")).strip()


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
    body = _clean(body, field="body", limit=MAX_BODY)
    title = _clean(title, field="title", limit=MAX_TITLE) if title.strip() else ""
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


# --- Moderation -----------------------------------------------------------------------------------


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
    _require_moderator(by, contribution.process)
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


# --- Answers ----------------------------------------------------------------------------------------


@transaction.atomic
def answer(*, by: Any, process: Process, contribution_ids: Iterable[int], answer: str, reason: str) -> int:
    """The team answers one or many contributions (near-duplicates in bulk) with one reason."""
    _require_team(by, process)
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


# --- Versions ------------------------------------------------------------------------------------


def _node(by: Any, node_type: str, node_id: int) -> Any:
    getter = {
        NodeType.PLAN: roadmaps.get_plan_for_user,
        NodeType.AXIS: roadmaps.get_axis_for_user,
        NodeType.OBJECTIVE: roadmaps.get_objective_for_user,
        NodeType.ACTION: roadmaps.get_action_for_user,
    }[NodeType(node_type)]
    return getter(by, node_id)


def _apply(by: Any, contribution: Contribution) -> tuple[str, int]:
    """Write one accepted amendment or proposal into the plan; the section it changed."""
    node = _node(by, contribution.node_type, contribution.node_id)
    if contribution.kind == Kind.PROPOSAL:
        action = roadmaps_services.create_action(
            user=by, objective=node, title=contribution.title, fields={"description": contribution.body}
        )
        return NodeType.ACTION, action.pk
    fields = {contribution.field: contribution.body}
    update = {
        NodeType.PLAN: lambda: roadmaps_services.update_plan(user=by, plan=node, fields=fields),
        NodeType.AXIS: lambda: roadmaps_services.update_axis(user=by, axis=node, fields=fields),
        NodeType.OBJECTIVE: lambda: roadmaps_services.update_objective(
            user=by, objective=node, fields=fields
        ),
        NodeType.ACTION: lambda: roadmaps_services.update_action(user=by, action=node, fields=fields),
    }[NodeType(contribution.node_type)]
    update()
    return contribution.node_type, contribution.node_id


@transaction.atomic
def publish_version(*, by: Any, process: Process, note: str = "", reason: str = "") -> PlanVersion:
    """Write the accepted amendments and proposals not yet applied into the plan, snapshot it as the
    next version, and record every change since the previous version with the contributions behind
    it. A change no contribution explains (the team edited the plan in roadmaps, or accepted an
    amendment in part) needs the team's `reason`; without one nothing is written."""
    _require_team(by, process)
    accepted = list(
        Contribution.objects.filter(
            process=process, kind__in=(Kind.AMENDMENT, Kind.PROPOSAL), answer=Answer.ACCEPTED, applied_in=None
        )
        .visible()
        .order_by("answered_at", "pk")
    )
    sources: dict[tuple[str, int, str], list[Contribution]] = {}
    try:
        for contribution in accepted:
            node_type, node_id = _apply(by, contribution)
            if contribution.kind == Kind.PROPOSAL:
                for name in ("title", "description"):
                    sources.setdefault((node_type, node_id, name), []).append(contribution)
            else:
                sources.setdefault((node_type, node_id, contribution.field), []).append(contribution)
    except ValidationError as error:
        raise ValidationError(
            _("Contribution n° %(pk)s : %(error)s")
            % {"pk": contribution.pk, "error": " ".join(error.messages)}
        ) from error
    # Amendments answered "partly" explain changes the team made by hand on the same field.
    for c in Contribution.objects.filter(
        process=process, kind=Kind.AMENDMENT, answer=Answer.PARTLY, applied_in=None
    ):
        sources.setdefault((c.node_type, c.node_id, c.field), []).append(c)
    previous = process.versions.order_by("-number").first()
    before = previous.snapshot if previous else {}
    after = selectors.snapshot(process.plan)
    changed = _diff_snapshots(before, after)
    if not changed:
        raise ValidationError(_("Rien n'a changé depuis la version précédente."))
    unexplained = [c for c in changed if not sources.get((c[0], c[1], c[3]))]
    if unexplained and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "%(n)s modification(s) ne viennent d'aucune contribution retenue : donnez-en la raison."
                )
                % {"n": len(unexplained)}
            }
        )
    version = PlanVersion.objects.create(
        process=process,
        number=(previous.number + 1) if previous else 1,
        note=note[:500],
        snapshot=after,
        created_by=by,
    )
    for node_type, node_id, label, name, old, new in changed:
        behind = sources.get((node_type, node_id, name), [])
        change = VersionChange.objects.create(
            version=version,
            node_type=node_type,
            node_id=node_id,
            section_label=label[:255],
            field=name,
            before=old,
            after=new,
            reason="" if behind else reason.strip(),
        )
        change.contributions.set(behind)
    Contribution.objects.filter(pk__in=[c.pk for cs in sources.values() for c in cs]).update(
        applied_in=version
    )
    return version


def _diff_snapshots(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, int, str, str, str, str]]:
    rows = []
    for key, now in after.items():
        node_type, node_id = key.split(":")
        then = before.get(key, {"title": "", "description": ""})
        label = f"{now['label']} · {now['title']}"
        for name in ("title", "description"):
            if then.get(name, "") != now[name]:
                rows.append((node_type, int(node_id), label, name, then.get(name, ""), now[name]))
    for key, then in before.items():
        if key not in after:
            node_type, node_id = key.split(":")
            label = f"{then['label']} · {then['title']}"
            rows.append((node_type, int(node_id), label, "title", then["title"], ""))
    return rows


# --- Meetings -------------------------------------------------------------------------------------


def link_meeting(
    *,
    by: Any,
    process: Process,
    phase: Phase,
    event_id: int,
    node_type: str = NodeType.PLAN,
    node_id: int | None = None,
) -> Meeting:
    """Attach an event of the `events` app (the co-construction day, a workshop) to the process."""
    _require_team(by, process)
    event = events_selectors.get_event_for_user(by, event_id)
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("Cette phase n'est pas celle de la consultation.")})
    meeting, _created = Meeting.objects.get_or_create(
        process=process, event=event, defaults={"phase": phase, "node_type": node_type, "node_id": node_id}
    )
    return meeting


@transaction.atomic
def record_conclusion(
    *, by: Any, meeting: Meeting, node_type: str, node_id: int, title: str, body: str
) -> Contribution:
    """A workshop's conclusion becomes a contribution of its phase, answered like the others."""
    process = meeting.process
    _require_team(by, process)
    section = selectors.find_section(process, node_type, node_id)
    return Contribution.objects.create(
        process=process,
        phase=meeting.phase,
        participation=None,
        kind=Kind.CONCLUSION,
        node_type=node_type,
        node_id=node_id,
        section_label=f"{section.label} · {section.title}"[:255],
        title=_clean(title, field="title", limit=MAX_TITLE) if title.strip() else meeting.event.title[:255],
        body=_clean(body, field="body", limit=MAX_BODY),
        meeting=meeting,
    )
