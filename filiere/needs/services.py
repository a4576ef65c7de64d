"""Writes of the needs app: campaigns, invitations and mails, reminders, answers.

Every service checks its preconditions and raises `ValidationError` (French message) or
`PermissionDenied`; writes that touch several rows run in one transaction, so nothing is ever
half-saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.imports import ImportReport
from filiere.core.mail import absolute_url
from filiere.core.params import DB_INT_MAX, parse_int
from filiere.needs import selectors
from filiere.needs.models import (
    MAX_PEOPLE_PER_LINE,
    Answer,
    Campaign,
    ContractType,
    Difficulty,
    Horizon,
    Invitation,
    InvitationMail,
    MailKind,
    NeedKind,
    NeedLine,
    Scope,
    Status,
)
from filiere.taxonomy.families import family_for

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

logger = logging.getLogger(__name__)

MAX_LINES = 30
MAIL_BATCH = 100


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def max_reminders() -> int:
    return int(getattr(settings, "NEEDS_MAX_REMINDERS", 3))


def survey_url(invitation: Invitation) -> str:
    """The invitation's private survey link, absolute (mails, exports)."""
    return absolute_url(reverse("needs:survey", args=[invitation.token]))


# --- Campaigns ---------------------------------------------------------------------------------


def _check_scope(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if campaign.closes_on and campaign.opens_on and campaign.closes_on < campaign.opens_on:
        errors["closes_on"] = _("La clôture précède l'ouverture.")
    if campaign.scope == Scope.DEPARTMENT:
        if campaign.department is None:
            errors["department"] = _("Choisissez le département.")
        elif campaign.department.region_id != campaign.region_id:
            errors["department"] = _("Ce département n'est pas dans la région de la campagne.")
    if campaign.scope == Scope.EPCI:
        from filiere.territories.models import Commune

        if campaign.epci is None:
            errors["epci"] = _("Choisissez l'intercommunalité.")
        elif not Commune.objects.filter(epci=campaign.epci, region_id=campaign.region_id).exists():
            errors["epci"] = _("Cette intercommunalité n'est pas dans la région de la campagne.")
    if campaign.scope == Scope.CLUSTER and campaign.cluster is None:
        errors["cluster"] = _("Choisissez le cluster dont les adhérents sont interrogés.")
    if errors:
        raise ValidationError(errors)


def create_campaign(*, user: User, **fields: Any) -> Campaign:
    """Create a draft campaign after checking that `user` may run it in that region / for that cluster."""
    _require(selectors.can_create_campaign(user), _("Vous ne pouvez pas créer de campagne d'enquête."))
    campaign = Campaign(created_by=user, status=Status.DRAFT, **fields)
    regions = selectors.creatable_regions(user)
    if not permissions.is_platform_staff(user) and campaign.region_id not in regions:
        if not (campaign.scope == Scope.CLUSTER and _cluster_allowed(user, campaign.cluster)):
            raise PermissionDenied(_("Vous ne pouvez pas créer de campagne dans cette région."))
    if campaign.scope == Scope.CLUSTER:
        _require(_cluster_allowed(user, campaign.cluster), _("Vous n'animez pas ce cluster."))
    if campaign.owner is not None:
        _require(
            permissions.is_platform_staff(user) or campaign.owner.pk in selectors._staff_org_ids(user),
            _("Vous ne pouvez conduire une enquête qu'au nom d'une organisation que vous administrez."),
        )
    _check_scope(campaign)
    if not selectors.can_manage_campaign(user, campaign):
        # A cluster's staff run a territorial survey in their organisation's name, or they could
        # not manage it afterwards.
        raise ValidationError({"owner": _("Choisissez l'organisation qui conduit l'enquête (la vôtre).")})
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    return campaign


def _cluster_allowed(user: User, cluster: Any) -> bool:
    return cluster is not None and selectors.runnable_clusters(user).filter(pk=cluster.pk).exists()


def update_campaign(*, user: User, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a campaign's texts, dates, reminder delay or publication; its target only while a draft."""
    _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    target_fields = {"scope", "region", "department", "epci", "cluster", "digital_only"}
    if campaign.status != Status.DRAFT and any(
        getattr(campaign, k) != v for k, v in fields.items() if k in target_fields
    ):
        raise ValidationError(_("Le périmètre ne peut plus changer une fois la campagne ouverte."))
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_scope(campaign)
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    return campaign


@dataclass
class PrepareReport:
    created: int = 0
    removed: int = 0
    kept: int = 0
    emails_found: int = 0


@transaction.atomic
def prepare_invitations(
    *, user: User | None, campaign: Campaign, today: dt.date | None = None
) -> PrepareReport:
    """Create one invitation per target company (the directory selection), with a contact address
    when the company has an editor with one. Rerunning adds new targets; while the campaign is a
    draft it also drops companies no longer targeted. `user` None = a system run (demo, command)."""
    if user is not None:
        _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    if campaign.status == Status.CLOSED:
        raise ValidationError(_("La campagne est close."))
    targets = {t.organisation_id: t for t in selectors.target_companies(campaign, today=today)}
    existing = dict(campaign.invitations.values_list("organisation_id", "pk"))
    report = PrepareReport(kept=len(set(existing) & set(targets)))
    if campaign.status == Status.DRAFT:
        stale = [pk for org, pk in existing.items() if org not in targets]
        report.removed = len(stale)
        Invitation.objects.filter(pk__in=stale, answered_at__isnull=True).delete()
    new = [t for org, t in targets.items() if org not in existing]
    emails = selectors.company_emails(t.organisation_id for t in new)
    Invitation.objects.bulk_create(
        [
            Invitation(
                campaign=campaign,
                organisation_id=t.organisation_id,
                department_code=t.department_code,
                headcount_band=t.headcount_band,
                email=emails.get(t.organisation_id, ""),
            )
            for t in new
        ],
        batch_size=1000,
    )
    report.created = len(new)
    report.emails_found = len(emails)
    return report


_DIGITS = re.compile(r"\D")


def import_contacts(*, user: User, campaign: Campaign, content: str) -> ImportReport:
    """Set invitations' contact addresses from a CSV (columns: siren or siret, email; ; or ,).

    All or nothing: one bad line (unknown company, invalid address) and nothing is saved; the
    report (`core.imports.ImportReport`) lists every bad line by number and field.
    """
    _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    report = ImportReport()
    sample = content[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=delimiter)
    by_siren = {
        siren: pk
        for pk, siren in campaign.invitations.exclude(organisation__siren=None).values_list(
            "pk", "organisation__siren"
        )
    }
    from filiere.organisations.models import Establishment

    changes: dict[int, str] = {}
    for number, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells and not _DIGITS.sub("", cells[0]):
            continue  # header line
        if len(cells) < 2:
            report.reject(line=number, message=_("deux colonnes attendues (SIREN ou SIRET ; e-mail)."))
            continue
        code, email = _DIGITS.sub("", cells[0]), cells[1]
        try:
            validate_email(email)
        except ValidationError:
            report.reject(
                line=number,
                field="email",
                message=_("adresse e-mail invalide « %(email)s ».") % {"email": email[:80]},
            )
            continue
        siren = code[:9] if len(code) in (9, 14) else ""
        if len(code) == 14:
            siren = (
                Establishment.objects.filter(siret=code).values_list("organisation__siren", flat=True).first()
                or code[:9]
            )
        pk = by_siren.get(siren)
        if pk is None:
            report.reject(
                line=number,
                field="siren",
                message=_("« %(code)s » n'est pas une entreprise invitée à cette campagne.")
                % {"code": cells[0][:20]},
            )
            continue
        changes[pk] = email
    if not report.ok:
        return report
    with transaction.atomic():
        current = dict(Invitation.objects.filter(pk__in=list(changes)).values_list("pk", "email"))
        for pk, email in changes.items():
            if current.get(pk) == email:
                report.unchanged += 1
            else:
                Invitation.objects.filter(pk=pk).update(email=email)
                report.updated += 1
    return report


def open_campaign(*, user: User | None, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Open a draft campaign: invitations are prepared if needed and mailed. Returns mails sent."""
    now = now or timezone.now()
    if user is not None:
        _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    if campaign.status != Status.DRAFT:
        raise ValidationError(_("Seule une campagne en brouillon peut être ouverte."))
    if campaign.closes_on < timezone.localdate(now):
        raise ValidationError(_("La date de clôture est passée : modifiez-la avant d'ouvrir la campagne."))
    if not campaign.invitations.exists():
        prepare_invitations(user=user, campaign=campaign)
    campaign.status = Status.OPEN
    campaign.opened_at = now
    campaign.save(update_fields=["status", "opened_at", "updated_at"])
    if campaign.opens_on > timezone.localdate(now):
        return 0  # invitations go out on the opening day (the reminders command sends them)
    return send_invitations(campaign=campaign, now=now)


def close_campaign(*, user: User | None, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Close a campaign: answers can no longer be given or changed."""
    if user is not None:
        _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    if campaign.status == Status.CLOSED:
        return campaign
    campaign.status = Status.CLOSED
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    return campaign


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
        _require(selectors.can_manage_campaign(user, campaign), _("Vous ne gérez pas cette campagne."))
    campaigns = Campaign.objects.accepting_answers(timezone.localdate(now))
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    sent = 0
    for current in campaigns:
        sent += send_invitations(campaign=current, now=now)
        sent += _send(reminder_candidates(current, now=now, force=force), MailKind.REMINDER, now)
    return sent


def close_due_campaigns(*, now: dt.datetime | None = None) -> int:
    """Close the open campaigns whose closing date has passed."""
    now = now or timezone.now()
    return Campaign.objects.filter(status=Status.OPEN, closes_on__lt=timezone.localdate(now)).update(
        status=Status.CLOSED, closed_at=now, updated_at=now
    )


# --- Answers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A reading of the respondent's words the engine proposes: `value` goes back in the form."""

    value: str
    kind: str
    label: str
    score: float


def suggest(text: str, *, skills: int = 4, occupations: int = 3) -> list[Suggestion]:
    """Skills and occupations the matching engine reads in a need, best first."""
    from filiere.matching.services import extract_skills, link_occupations
    from filiere.matching.text import UserTextError

    try:
        found = extract_skills(text, limit=skills)
        links = link_occupations(text, top=occupations, kinds=("rome_appellation", "esco"), semantic=False)
    except UserTextError:
        return []
    result = [Suggestion(f"skill:{m.skill_id}", NeedKind.SKILL, m.label, m.score) for m in found]
    occupation = [
        Suggestion(f"occ:{link.kind}:{link.code}", NeedKind.OCCUPATION, link.label, link.score)
        for link in links
        if link.score >= 0.35
    ]
    seen = {s.label.casefold() for s in result}
    result += [s for s in occupation[:occupations] if s.label.casefold() not in seen]
    return result


@dataclass(frozen=True)
class Resolved:
    kind: str
    label: str
    skill_id: int | None = None
    occupation_kind: str = ""
    occupation_code: str = ""


def resolve_choice(value: str, text: str) -> Resolved | None:
    """What a confirmed choice names ("skill:<id>", "occ:<kind>:<code>", "text"); None if unknown."""
    from filiere.taxonomy.models import EscoOccupation, RomeAppellation, RomeMetier, Skill

    if value in ("", "text"):
        return Resolved(NeedKind.TEXT, text.strip())
    if value.startswith("skill:") and (skill_id := parse_int(value[6:])) is not None:
        label = Skill.objects.filter(pk=skill_id).values_list("label", flat=True).first()
        return Resolved(NeedKind.SKILL, label, skill_id=skill_id) if label else None
    parts = value.split(":", 2)
    if len(parts) == 3 and parts[0] == "occ":
        kind, code = parts[1], parts[2]
        model, key, attr = {
            "esco": (EscoOccupation, "uri", "label_fr"),
            "rome_appellation": (RomeAppellation, "code_ogr", "label"),
            "rome_metier": (RomeMetier, "code", "label"),
        }.get(kind, (None, "", ""))
        if model is None:
            return None
        label = model.objects.filter(**{key: code}).values_list(attr, flat=True).first()
        return (
            Resolved(NeedKind.OCCUPATION, label, occupation_kind=kind, occupation_code=code)
            if label
            else None
        )
    return None


@dataclass
class NeedInput:
    text: str
    choice: str = "text"
    people: Any = None
    horizon: str = ""
    difficulty: Any = None
    contract_types: list[str] = field(default_factory=list)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_int(value, minimum=-DB_INT_MAX)
    return None


def _validate_line(index: int, line: NeedInput) -> tuple[dict[str, str], Resolved | None]:
    errors: dict[str, str] = {}
    prefix = f"lines-{index}-"
    text = (line.text or "").strip()
    if not text:
        errors[prefix + "text"] = _("Décrivez le besoin (compétence ou métier).")
    elif len(text) > 200:
        errors[prefix + "text"] = _("200 caractères au plus.")
    people = _int_or_none(line.people)
    if people is None or not 1 <= people <= MAX_PEOPLE_PER_LINE:
        errors[prefix + "people"] = _("Nombre de personnes : un entier entre 1 et %(max)d.") % {
            "max": MAX_PEOPLE_PER_LINE
        }
    if line.horizon not in Horizon.values:
        errors[prefix + "horizon"] = _("Choisissez un horizon.")
    if _int_or_none(line.difficulty) not in Difficulty.values:
        errors[prefix + "difficulty"] = _("Difficulté : de 1 (facile) à 4 (très difficile).")
    if not set(line.contract_types or []) <= set(ContractType.values):
        errors[prefix + "contract_types"] = _("Type de contrat inconnu.")
    resolved = None
    if text and len(text) <= 200:
        resolved = resolve_choice(line.choice or "text", text)
        if resolved is None:
            errors[prefix + "choice"] = _(
                "Cette compétence ou ce métier est inconnu : choisissez dans la liste."
            )
    return errors, resolved


@transaction.atomic
def save_answer(
    *,
    invitation: Invitation,
    lines: list[NeedInput],
    no_needs: bool = False,
    respondent_name: str = "",
    respondent_role: str = "",
    headcount: int | None = None,
    comments: str = "",
    now: dt.datetime | None = None,
) -> Answer:
    """Record (or replace) a company's answer: all its lines at once, or nothing.

    Raises ValidationError (messages keyed by field, "lines-<n>-people"...) on impossible values,
    and when the campaign does not accept answers. Submitting the same answer twice leaves one
    answer with the same lines: the invitation row is locked and the lines replaced.
    """
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("campaign", "organisation")
        .get(pk=invitation.pk)
    )
    campaign = invitation.campaign
    if not campaign.accepts_answers(timezone.localdate(now)):
        raise ValidationError(closed_message(campaign, now=now))
    if len(lines) > MAX_LINES:
        raise ValidationError(_("%(max)d besoins au plus par réponse.") % {"max": MAX_LINES})
    errors: dict[str, str] = {}
    resolved: list[Resolved] = []
    for index, line in enumerate(lines):
        line_errors, value = _validate_line(index, line)
        errors.update(line_errors)
        if value is not None:
            resolved.append(value)
    if not lines and not no_needs:
        errors["__all__"] = _("Décrivez au moins un besoin, ou cochez « Aucun besoin à signaler ».")
    if headcount is not None and not 0 <= headcount <= 100_000:
        errors["headcount"] = _("Effectif : un entier entre 0 et 100 000.")
    if len(comments) > 5000:
        errors["comments"] = _("5 000 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    answer, created = Answer.objects.get_or_create(invitation=invitation)
    answer.respondent_name = respondent_name.strip()[:120]
    answer.respondent_role = respondent_role.strip()[:120]
    answer.headcount = headcount
    answer.comments = comments.strip()
    if not created:
        answer.revision += 1
    answer.save()
    answer.lines.all().delete()
    NeedLine.objects.bulk_create(
        [
            NeedLine(
                answer=answer,
                position=index,
                text=line.text.strip(),
                kind=value.kind,
                skill_id=value.skill_id,
                occupation_kind=value.occupation_kind,
                occupation_code=value.occupation_code,
                label=value.label[:500],
                family=family_for(value.label if value.kind != NeedKind.TEXT else line.text),
                people=int(line.people),
                horizon=line.horizon,
                difficulty=int(line.difficulty),
                contract_types=sorted(set(line.contract_types or [])),
            )
            for index, (line, value) in enumerate(zip(lines, resolved, strict=True))
        ]
    )
    Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(answered_at=now)
    Invitation.objects.filter(pk=invitation.pk).update(updated_at=now)
    return answer


def closed_message(campaign: Campaign, *, now: dt.datetime | None = None) -> str:
    """Why a campaign does not take answers, in French."""
    today = timezone.localdate(now or timezone.now())
    if campaign.status == Status.DRAFT or (campaign.status == Status.OPEN and today < campaign.opens_on):
        return _("Cette enquête n'est pas encore ouverte : elle ouvrira le %(date)s.") % {
            "date": campaign.opens_on.strftime("%d/%m/%Y")
        }
    if campaign.status == Status.CLOSED and campaign.closed_at:
        closed = min(timezone.localdate(campaign.closed_at), campaign.closes_on)
    else:
        closed = campaign.closes_on
    return _("Cette enquête est close depuis le %(date)s : les réponses ne peuvent plus être modifiées.") % {
        "date": closed.strftime("%d/%m/%Y")
    }


def mark_opened(invitation: Invitation, *, now: dt.datetime | None = None) -> None:
    """Remember the first time the private link was opened."""
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=now or timezone.now()
    )
