"""Demo surveys: the yearly skill-needs survey of Bourgogne-Franche-Comté (seed 000) and one Grand Est survey.

"Une enquête sur les besoins en compétences des entreprises est régulièrement lancée" (000):
the 2025 and 2026 editions, run by BFC numérique, go to the region's digital companies of the
directory demo (about 1,500, the article's figure). About 30 % answered in 2025; the 2026
edition is open and at about 25 %. Grand Est (seed 001, the convention with Syntec Numérique) has
one closed campaign, for the Bas-Rhin's digital companies (a department-wide survey). Answers are generated (seeded random, so reloading gives the same) from the
needs the seeds name or imply — development, data/AI, cybersecurity, cloud/DevOps, project
management, sales and pre-sales — with difficulty highest where regions report shortages.
Contact addresses are invented only for generated companies (…@demo.filiere.invalid).
Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from filiere.needs import selectors
from filiere.needs.models import (
    Answer,
    Campaign,
    ContractType,
    Horizon,
    Invitation,
    InvitationMail,
    MailKind,
    NeedKind,
    NeedLine,
    Scope,
    Status,
)
from filiere.organisations.models import Organisation
from filiere.taxonomy.families import family_for
from filiere.taxonomy.models import RomeAppellation, Skill
from filiere.territories.models import Region

D = dt.date

# (words a respondent types, what they resolve to: ("skill", ESCO label) / ("occ", ROME appellation) / None,
#  weight, usual difficulty)
NEEDS: tuple[tuple[str, tuple[str, str] | None, float, int], ...] = (
    ("Développeur web full stack", ("occ", "Développeur / Développeuse web"), 9, 3),
    ("Python", ("skill", "Python (programmation informatique)"), 6, 3),
    ("JavaScript / TypeScript", ("skill", "JavaScript"), 6, 3),
    ("Java", ("skill", "Java (programmation informatique)"), 4, 3),
    ("PHP Symfony", ("skill", "PHP"), 3, 2),
    ("Développeur mobile", ("occ", "Développeur / Développeuse web mobile"), 3, 3),
    ("Data scientist", ("occ", "Data scientist"), 4, 4),
    ("Intelligence artificielle", ("skill", "intelligence artificielle"), 4, 4),
    ("Exploitation des données", ("skill", "exploration de données"), 3, 3),
    ("Analyste cybersécurité", ("occ", "Analyste en cybersécurité"), 4, 4),
    ("Sécurité des systèmes d'information", ("skill", "sécurité des TIC"), 4, 4),
    ("Ingénieur DevOps", ("occ", "Ingénieur / Ingénieure DevOps"), 4, 4),
    ("Kubernetes et Docker", ("skill", "Kubernetes"), 3, 3),
    (
        "Administrateur systèmes et réseaux",
        ("occ", "Administrateur / Administratrice systèmes et réseaux"),
        4,
        3,
    ),
    ("Chef de projet agile", ("skill", "gestion de projets par méthode Agile"), 5, 2),
    ("Product owner", ("occ", "Product Owner"), 2, 3),
    ("Ingénieur commercial", ("occ", "Ingénieur commercial / Ingénieure commerciale"), 5, 3),
    ("Avant-vente solutions logicielles", None, 3, 3),
    ("Techniques de vente", ("skill", "techniques de vente"), 2, 2),
)
HORIZONS = ((Horizon.MONTHS_6, 0.45), (Horizon.YEAR_1, 0.35), (Horizon.YEARS_2_3, 0.20))
CONTRACTS = (
    (ContractType.CDI, 0.7),
    (ContractType.WORK_STUDY, 0.3),
    (ContractType.TRAINING, 0.25),
    (ContractType.INTERNSHIP, 0.15),
    (ContractType.FREELANCE, 0.1),
    (ContractType.CDD, 0.1),
)
BIG_BANDS = {"12", "21", "22", "31", "32", "41", "42", "51", "52", "53"}
INTRO = (
    "La filière numérique régionale compte 1 500 entreprises et croît de 14 % par an : dites-nous quelles "
    "compétences vous recherchez, pour que l'offre de formation suive. Cinq minutes suffisent."
)


@dataclass(frozen=True)
class Spec:
    title: str
    region: str
    owner: str  # name of the organisation running it ("" = the region)
    opens_on: dt.date
    closes_on: dt.date
    answer_rate: float
    reminded_share: float
    seed: str
    department: str = ""


SPECS = (
    Spec(
        "Enquête besoins en compétences de la filière numérique 2025",
        "27",
        "BFC numérique",
        D(2025, 3, 3),
        D(2025, 4, 30),
        0.31,
        0.7,
        "bfc-2025",
    ),
    Spec(
        "Enquête besoins en compétences de la filière numérique 2026",
        "27",
        "BFC numérique",
        D(2026, 11, 2),
        D(2026, 12, 18),
        0.26,
        0.5,
        "bfc-2026",
    ),
    Spec(
        "Besoins en compétences numériques des entreprises du Bas-Rhin 2026",
        "44",
        "Syntec Numérique",
        D(2026, 9, 7),
        D(2026, 10, 30),
        0.22,
        0.6,
        "ge-2026",
        department="67",
    ),
)


def _resolve() -> list[dict[str, Any]]:

    skill_labels = [target[1] for _t, target, _w, _d in NEEDS if target and target[0] == "skill"]
    occ_labels = [target[1] for _t, target, _w, _d in NEEDS if target and target[0] == "occ"]
    skills: dict[str, int] = {}
    # ESCO first ("esco" < "rome"), then a ROME savoir with the same label.
    for pk, label in (
        Skill.objects.filter(label__in=skill_labels).order_by("kind", "pk").values_list("pk", "label")
    ):
        skills.setdefault(label, pk)
    occupations = dict(RomeAppellation.objects.filter(label__in=occ_labels).values_list("label", "code_ogr"))
    resolved = []
    for text, target, weight, difficulty in NEEDS:
        row: dict[str, Any] = {
            "text": text,
            "weight": weight,
            "difficulty": difficulty,
            "kind": NeedKind.TEXT,
        }
        row["label"] = text
        if target and target[0] == "skill" and target[1] in skills:
            row.update(kind=NeedKind.SKILL, skill_id=skills[target[1]], label=target[1])
        elif target and target[0] == "occ" and target[1] in occupations:
            row.update(
                kind=NeedKind.OCCUPATION,
                occupation_kind="rome_appellation",
                occupation_code=occupations[target[1]],
                label=target[1],
            )
        row["family"] = family_for(row["label"] if row["kind"] != NeedKind.TEXT else text)
        resolved.append(row)
    return resolved


def _pick(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _fill(campaign: Campaign, spec: Spec, needs: list[dict[str, Any]], today: dt.date) -> None:
    """Invitations (with their mail records) and generated answers, built in memory then bulk-inserted."""

    rng = random.Random(spec.seed)
    targets = selectors.target_companies(campaign, today=spec.opens_on)
    emails = selectors.company_emails(t.organisation_id for t in targets)
    generated = set(
        Organisation.objects.filter(
            pk__in=[t.organisation_id for t in targets], is_generated=True
        ).values_list("pk", flat=True)
    )
    sent_at = _at(spec.opens_on, 9)
    last_day = min(spec.closes_on, today)
    span = max((last_day - spec.opens_on).days, 1)
    reminder_day = spec.opens_on + dt.timedelta(days=campaign.reminder_after_days)
    invitations: list[Invitation] = []
    for target in targets:
        email = emails.get(target.organisation_id, "")
        if not email and target.organisation_id in generated:
            email = f"contact-{target.organisation_id}@demo.filiere.invalid"
        invitations.append(
            Invitation(
                campaign=campaign,
                organisation_id=target.organisation_id,
                department_code=target.department_code,
                headcount_band=target.headcount_band,
                email=email,
                sent_at=sent_at if email else None,
                last_mailed_at=sent_at if email else None,
            )
        )
    answering = set(rng.sample(range(len(invitations)), k=round(len(invitations) * spec.answer_rate)))
    for index, invitation in enumerate(invitations):
        if index in answering:
            invitation.answered_at = _at(spec.opens_on + dt.timedelta(days=rng.randrange(span)), 14)
        elif invitation.email and reminder_day <= last_day and rng.random() < spec.reminded_share:
            invitation.reminder_count = 1
            invitation.last_mailed_at = _at(reminder_day, 9)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    mails: list[InvitationMail] = []
    for invitation in invitations:
        if invitation.sent_at:
            mails.append(
                InvitationMail(
                    invitation=invitation,
                    kind=MailKind.INVITATION,
                    sent_at=sent_at,
                    sent_on=spec.opens_on,
                    to=invitation.email,
                )
            )
        if invitation.reminder_count:
            mails.append(
                InvitationMail(
                    invitation=invitation,
                    kind=MailKind.REMINDER,
                    sent_at=invitation.last_mailed_at,
                    sent_on=reminder_day,
                    to=invitation.email,
                )
            )
    InvitationMail.objects.bulk_create(mails, batch_size=1000)
    answering_invitations = [i for index, i in enumerate(invitations) if index in answering]
    answers = Answer.objects.bulk_create(
        [
            Answer(
                invitation=i,
                headcount=None,
                comments="",
                respondent_role=rng.choice(("Dirigeant", "DRH", "CTO")),
            )
            for i in answering_invitations
        ],
        batch_size=1000,
    )
    weights = [n["weight"] for n in needs]
    lines: list[NeedLine] = []
    bands = {i.pk: i.headcount_band for i in answering_invitations}
    for answer in answers:
        if rng.random() < 0.08:
            continue  # "no need to report" answers count in the response rate too
        big = bands.get(answer.invitation_id, "") in BIG_BANDS
        chosen = {id(n): n for n in rng.choices(needs, weights=weights, k=rng.randint(1, 4 if big else 3))}
        for position, need in enumerate(chosen.values()):
            difficulty = max(1, min(4, need["difficulty"] + rng.choice((-1, 0, 0, 0, 1))))
            contracts = sorted({str(_pick(rng, CONTRACTS)) for _i in range(rng.randint(1, 2))})
            lines.append(
                NeedLine(
                    answer=answer,
                    position=position,
                    text=need["text"],
                    kind=need["kind"],
                    skill_id=need.get("skill_id"),
                    occupation_kind=need.get("occupation_kind", ""),
                    occupation_code=need.get("occupation_code", ""),
                    label=need["label"],
                    family=need["family"],
                    people=rng.choice((1, 1, 1, 2, 2, 3)) * (rng.choice((2, 3, 4)) if big else 1),
                    horizon=_pick(rng, HORIZONS),
                    difficulty=difficulty,
                    contract_types=contracts,
                )
            )
    NeedLine.objects.bulk_create(lines, batch_size=2000)


def load_needs_demo(*, today: dt.date | None = None) -> list[Campaign]:
    """The three demo campaigns, created with their invitations and answers when missing; idempotent
    (`filiere demo` prints how many are up to date)."""

    today = today or timezone.localdate()
    needs = _resolve()
    campaigns: list[Campaign] = []
    for spec in SPECS:
        region = Region.objects.filter(code=spec.region).first()
        if region is None:
            continue
        existing = Campaign.objects.filter(title=spec.title, region=region).first()
        if existing is not None:
            campaigns.append(existing)
            continue
        owner = Organisation.objects.filter(name=spec.owner, kind="cluster").order_by("pk").first()
        status = Status.CLOSED if spec.closes_on < today else Status.OPEN
        with transaction.atomic():
            campaign = Campaign.objects.create(
                title=spec.title,
                introduction=INTRO if spec.region == "27" else "",
                region=region,
                scope=Scope.DEPARTMENT if spec.department else Scope.REGION,
                department_id=spec.department or None,
                digital_only=True,
                owner=owner,
                opens_on=spec.opens_on,
                closes_on=spec.closes_on,
                status=Status.DRAFT,
                results_public=True,
            )
            campaign.status = status
            campaign.opened_at = _at(spec.opens_on, 8)
            campaign.closed_at = _at(spec.closes_on, 23) if status == Status.CLOSED else None
            campaign.save()
            _fill(campaign, spec, needs, today)
        campaigns.append(campaign)
    return campaigns
