"""Demo: the co-construction of Nouvelle-Aquitaine's 2018–2021 digital roadmap (seed 002).

The seed tells the process: more than 40 interviews across the region, a co-construction day on
2 October 2017 with more than 220 people, thematic workshops, an online consultation platform to
gather contributions and submit the draft deliberation before its vote (plenary of 25 June 2018),
and a committee of entrepreneurs at every step; a regional consultative body then follows the
strategy. The phases below carry those dates (the interview and workshop periods and the online
consultation's dates are illustrative: the seed does not give them). Contributions are written
against the 4 ambitions and 12 objectives of roadmaps' demo plan, each by a participant of one of
the actor kinds the seed's call names (entrepreneurs, clusters, labs, investors, schools).

Idempotent: a second run finds the process and changes nothing. Needs roadmaps' demo (the plan).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from filiere.accounts.models import Membership, RegionalRole, Role, User
from filiere.events import services as events_services
from filiere.organisations.models import Organisation
from filiere.roadmaps import selectors as roadmaps_selectors
from filiere.territories.models import Department, Region

from . import selectors, services
from .models import ActorKind, Answer, Contribution, Kind, NodeType, PhaseKind, Process

PLAN_TITLE = "Feuille de route de soutien à l'économie numérique 2018-2021"
TITLE = "#numNA — co-construction de la feuille de route de soutien à l'économie numérique"
D = dt.date

PHASES: list[dict[str, Any]] = [
    {
        "kind": PhaseKind.INTERVIEWS,
        "title": "Plus de 40 entretiens avec les acteurs de l'écosystème",
        "starts_on": D(2017, 7, 10),
        "ends_on": D(2017, 9, 29),
    },  # fmt: skip
    {
        "kind": PhaseKind.WORKSHOPS,
        "title": "Journée de co-construction (2 octobre 2017, 220 participants) et ateliers thématiques",
        "starts_on": D(2017, 10, 2),
        "ends_on": D(2017, 12, 15),
        "may_argue": True,
    },  # fmt: skip
    {
        "kind": PhaseKind.ONLINE,
        "title": "Consultation en ligne sur le projet de délibération",
        "starts_on": D(2018, 4, 16),
        "ends_on": D(2018, 5, 31),
        "may_amend": True,
        "may_propose": True,
        "may_argue": True,
        "may_support": True,
    },  # fmt: skip
    {
        "kind": PhaseKind.ANALYSIS,
        "title": "Analyse des contributions avec le Comité d'entrepreneurs",
        "starts_on": D(2018, 6, 1),
        "ends_on": D(2018, 6, 22),
    },  # fmt: skip
    {
        "kind": PhaseKind.VOTE,
        "title": "Vote en séance plénière",
        "starts_on": D(2018, 6, 25),
        "ends_on": D(2018, 6, 25),
    },  # fmt: skip
    {
        "kind": PhaseKind.FOLLOW_UP,
        "title": "Suivi par l'instance de gouvernance régionale du numérique",
        "starts_on": D(2018, 6, 26),
        "ends_on": D(2021, 12, 31),
    },  # fmt: skip
]

# Participants: the seed's call lists entrepreneurs, support structures, clusters, labs, investors,
# schools and training centres. (pseudonym, actor kind, department code)
PEOPLE = [
    ("StartupBordeaux", ActorKind.ENTREPRENEUR, "33"),
    ("StudioAngouleme", ActorKind.ENTREPRENEUR, "16"),
    ("ClusterNumeriquePau", ActorKind.CLUSTER, "64"),
    ("TechnopoleLimoges", ActorKind.CLUSTER, "87"),
    ("LaboRobotique", ActorKind.LAB, "33"),
    ("LaboCyber", ActorKind.LAB, "86"),
    ("BusinessAngelNA", ActorKind.INVESTOR, "33"),
    ("EcoleDuJeu", ActorKind.SCHOOL, "16"),
    ("IUTPoitiers", ActorKind.SCHOOL, "86"),
    ("CitoyenCreuse", ActorKind.CITIZEN, "23"),
    ("ESNLaRochelle", ActorKind.ENTREPRENEUR, "17"),
    ("TiersLieuDordogne", ActorKind.CITIZEN, "24"),
]

# One amendment on the description of each ambition and each objective (in plan order), written
# from the seed's own words; the team's answer and its reason.
AMBITION_TEXTS = [
    "Renforcer la visibilité, la notoriété et la crédibilité de la Nouvelle-Aquitaine dans le numérique, en mettant en avant les pépites régionales de tout le territoire et pas seulement de la métropole bordelaise.",
    "Amplifier le soutien à l'économie numérique : accompagner la croissance des PME du numérique, accélérer la transformation numérique de tous les secteurs et soutenir les projets innovants, y compris dans les territoires ruraux.",
    "Développer un capital humain riche de talents : former plus, plus vite, et faire connaître les métiers du numérique aux jeunes, aux femmes et aux personnes en reconversion.",
    "Un territoire connecté au service des entreprises : très haut débit partout, offre d'accompagnement équilibrée et tiers-lieux dans chaque département.",
]
OBJECTIVE_TEXTS = [
    "Mobiliser et rassembler les acteurs par une animation transversale, avec un événement régional annuel qui tourne entre les départements.",
    "Structurer les quatre secteurs d'excellence (image/jeu vidéo, IA/robotique, logiciels libres, cybersécurité) avec une feuille de route par secteur.",
    "Attirer entreprises, talents et investisseurs avec une marque numérique régionale commune portée par les clusters.",
    "Soutenir l'amorçage et la croissance avec des financements adaptés aux modèles numériques, dont un fonds régional d'amorçage.",
    "Accélérer la transformation numérique des TPE et PME avec un programme régional et un diagnostic numérique gratuit.",
    "Favoriser les projets collaboratifs entre grands groupes, PME, startups et laboratoires, avec des appels à projets thématiques.",
    "Attirer les jeunes, et en particulier les jeunes filles, vers les métiers du numérique avec les clusters et les établissements.",
    "Accentuer la coopération entre entreprises et formations : stages, alternance et projets tutorés dans chaque école.",
    "Adapter l'offre de formation continue aux compétences recherchées, mise à jour chaque année avec les entreprises.",
    "Déployer le très haut débit pour 1,4 million de foyers et entreprises, en priorité dans les zones d'activité.",
    "Mailler le territoire d'une offre d'accompagnement équilibrée, avec un guichet unique par département.",
    "Soutenir les tiers-lieux et la Cité numérique comme lieux de rencontre de l'écosystème.",
]
ANSWERS = [
    (Answer.ACCEPTED, "Retenu : la délibération précise désormais ce point."),
    (Answer.PARTLY, "Retenu en partie : l'esprit est repris, les moyens seront précisés dans les actions."),
    (Answer.PLANNED, "Déjà prévu par les dispositifs régionaux existants (voir les actions de l'objectif)."),
    (Answer.REJECTED, "Non retenu : hors des compétences de la Région."),
]


TEAM_USERNAME = "consult-demo-equipe"
DEMO_PASSWORD = "demo-consultation"


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, description) for the development site's demo-accounts page."""
    return [
        (
            TEAM_USERNAME,
            DEMO_PASSWORD,
            "Délégation numérique Nouvelle-Aquitaine : équipe de la consultation #numNA",
        )
    ]


def _team(region: Region) -> User:
    user, created = User.objects.get_or_create(
        username=TEAM_USERNAME,
        defaults={
            "first_name": "Délégation",
            "last_name": "numérique",
            "email": "numerique@demo.filiere.invalid",
        },
    )
    if created:
        # A known password only on a development site (DEBUG), as the other demos do.
        if settings.DEBUG:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    RegionalRole.objects.get_or_create(user=user, region=region)
    return user


def _co_construction_day(team: User, process: Process) -> None:
    """The 2 October 2017 day as an event of the Région (the `events` app), linked to the
    workshops phase, with two of its conclusions. Its registrations predate the platform."""
    region_org = Organisation.objects.filter(name="Région Nouvelle-Aquitaine").order_by("pk").first()
    if region_org is None:
        return
    Membership.objects.get_or_create(user=team, organisation=region_org, defaults={"role": Role.EDITOR})
    tz = timezone.get_current_timezone()
    event = events_services.create_event(
        by=team,
        organiser=region_org,
        title="Journée de co-construction de la feuille de route numérique",
        kind="conference",
        description="Plus de 220 personnes réunies pour co-construire la feuille de route régionale (seed 002).",
        starts_at=dt.datetime(2017, 10, 2, 9, 0, tzinfo=tz),
        ends_at=dt.datetime(2017, 10, 2, 17, 30, tzinfo=tz),
        venue="Bordeaux",
        capacity=250,
        is_published=True,
    )
    workshops = process.phases.get(kind=PhaseKind.WORKSHOPS)
    meeting = services.link_meeting(by=team, process=process, phase=workshops, event_id=event.pk)
    objectives = [s for s in selectors.plan_sections(process.plan) if s.node_type == NodeType.OBJECTIVE]
    for section, body in [
        (
            objectives[0],
            "Les participants demandent une animation régionale qui dépasse la métropole bordelaise.",
        ),
        (
            objectives[7],
            "Les écoles et les entreprises veulent des stages et de l'alternance organisés en commun.",
        ),
    ]:
        services.record_conclusion(
            by=team,
            meeting=meeting,
            node_type=section.node_type,
            node_id=section.node_id,
            title="",
            body=body,
        )


def _participants(process: Process) -> list[User]:
    users = []
    departments = {d.code: d for d in Department.objects.filter(code__in={p[2] for p in PEOPLE})}
    for pseudonym, actor_kind, department in PEOPLE:
        user, created = User.objects.get_or_create(username=f"consult-demo-{pseudonym.lower()}")
        if created:
            user.set_unusable_password()
            user.save()
        services.join(
            by=user,
            process=process,
            pseudonym=pseudonym,
            actor_kind=actor_kind,
            consent=True,
            department=departments.get(department),
        )
        users.append(user)
    return users


@transaction.atomic
def load_consultations_demo() -> Process | None:
    """Create the Nouvelle-Aquitaine process on roadmaps' demo plan (once)."""
    existing = Process.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    plan = roadmaps_selectors.plans_for_user(None).filter(region_id="75", title=PLAN_TITLE).first()
    if plan is None:
        return None  # roadmaps' demo did not run (no regions loaded)
    team = _team(plan.region)
    process = services.create_process(
        by=team,
        plan=plan,
        title=TITLE,
        description=(
            "Entrepreneurs, structures d'accompagnement, clusters, laboratoires de recherche, investisseurs, écoles "
            "et centres de formation : participez à la co-construction de la feuille de route régionale de soutien "
            "à l'économie numérique. Un Comité d'entrepreneurs de la filière accompagne chaque étape."
        ),
        phases=PHASES,
    )
    services.set_published(by=team, process=process, published=True)
    _co_construction_day(team, process)
    people = _participants(process)
    rng = random.Random(2018)
    online = D(2018, 5, 2)
    workshop = D(2017, 10, 2)
    sections = selectors.plan_sections(plan)
    axes = [s for s in sections if s.node_type == NodeType.AXIS]
    objectives = [s for s in sections if s.node_type == NodeType.OBJECTIVE]
    targets = list(zip(axes, AMBITION_TEXTS, strict=False)) + list(
        zip(objectives, OBJECTIVE_TEXTS, strict=False)
    )
    main: list[Contribution] = []
    for index, (section, text) in enumerate(targets):
        author = people[index % len(people)]
        # The workshops' contributions are arguments; the online phase carries the amendments.
        services.contribute(
            by=author,
            process=process,
            kind=Kind.COMMENT,
            node_type=section.node_type,
            node_id=section.node_id,
            body=f"Atelier du 2 octobre 2017 : {text.split(':')[0].lower()} ressort comme une priorité.",
            today=workshop,
        )
        amendment = services.contribute(
            by=people[(index + 3) % len(people)],
            process=process,
            kind=Kind.AMENDMENT,
            node_type=section.node_type,
            node_id=section.node_id,
            field="description",
            body=text,
            today=online,
        )
        main.append(amendment)
        services.contribute(
            by=people[(index + 5) % len(people)],
            process=process,
            kind=Kind.ARGUMENT_FOR if index % 3 else Kind.ARGUMENT_AGAINST,
            node_type=section.node_type,
            node_id=section.node_id,
            parent=amendment,
            body="D'accord : c'est ce que demandent les entreprises du territoire."
            if index % 3
            else "Attention aux moyens : la Région ne peut pas tout financer seule.",
            today=online,
        )
        for supporter in rng.sample(people, rng.randint(2, 9)):
            if supporter.pk != amendment.participation.user_id:  # type: ignore[union-attr]
                services.support(by=supporter, contribution=amendment, today=online)
    # Proposals of new actions under objectives 1 and 8 (the seed's governance body and schools).
    for section, title, body in [
        (
            objectives[0],
            "Un Comité d'entrepreneurs permanent",
            "Pérenniser le Comité d'entrepreneurs qui a accompagné la co-construction pour suivre la mise en œuvre.",
        ),  # fmt: skip
        (
            objectives[7],
            "Un annuaire commun des stages et alternances",
            "Publier les offres de stage et d'alternance des entreprises du numérique auprès de toutes les écoles.",
        ),  # fmt: skip
    ]:
        main.append(
            services.contribute(
                by=people[len(main) % len(people)],
                process=process,
                kind=Kind.PROPOSAL,
                node_type=section.node_type,
                node_id=section.node_id,
                title=title,
                body=body,
                today=online,
            )
        )
    for index, contribution in enumerate(main):
        answer, reason = ANSWERS[index % len(ANSWERS)] if contribution.kind == Kind.AMENDMENT else ANSWERS[2]
        services.answer(
            by=team, process=process, contribution_ids=[contribution.pk], answer=answer, reason=reason
        )
    services.publish_version(
        by=team,
        process=process,
        note="Projet de délibération modifié après la consultation, soumis au vote du 25 juin 2018",
        reason="Précisions de rédaction du Comité d'entrepreneurs",
    )
    return process
