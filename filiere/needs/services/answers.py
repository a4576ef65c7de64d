"""Answers: suggestions of skills and occupations for a typed need, the resolution of a chosen
value, and the saving of an answer's lines (checked line by line, all or nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.params import DB_INT_MAX, parse_int
from filiere.matching.services import extract_skills, link_occupations
from filiere.matching.text import UserTextError
from filiere.needs.models import (
    MAX_PEOPLE_PER_LINE,
    Answer,
    Campaign,
    ContractType,
    Difficulty,
    Horizon,
    Invitation,
    NeedKind,
    NeedLine,
    Status,
)
from filiere.taxonomy.families import family_for
from filiere.taxonomy.models import EscoOccupation, RomeAppellation, RomeMetier, Skill

if TYPE_CHECKING:
    pass


MAX_LINES = 30


@dataclass(frozen=True)
class Suggestion:
    """A reading of the respondent's words the engine proposes: `value` goes back in the form."""

    value: str
    kind: str
    label: str
    score: float


def suggest(text: str, *, skills: int = 4, occupations: int = 3) -> list[Suggestion]:
    """Skills and occupations the matching engine reads in a need, best first."""

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
