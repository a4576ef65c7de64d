"""Demo plans: the three plans of the seed articles, with their real structure.

- Bourgogne-Franche-Comté (seed 000): the 4-year performance contract, 30 actions in 4 priorities.
  The article names a dozen actions; the others complete the 30 plausibly and say so in their
  description ("Action illustrative"). The objectives grouping actions inside each priority are
  ours too (the article gives priorities and actions only).
- Nouvelle-Aquitaine (seed 002): the 2018–2021 roadmap, its 4 ambitions and 12 objectives with
  the exact titles of the deliberation; actions are the schemes the text names.
- Grand Est (seed 001): the tripartite convention with Syntec Numérique and Grand Enov, 3 priorities.

Figures quoted by the articles are baselines; targets the articles do not give, and measured
values after the baseline, are illustrative and labelled as such. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model

from filiere.organisations import services as organisation_services
from filiere.organisations.models import Kind, Organisation, Source
from filiere.roadmaps.models import (
    Action,
    ActionStatus,
    ActionStep,
    Axis,
    AxisKind,
    Computation,
    Direction,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
    PlanKind,
    Priority,
)
from filiere.roadmaps.services import refresh_all_computed_indicators
from filiere.territories.models import Region

D = dt.date
ILLUSTRATIVE = "Action illustrative (non citée par l'article source)."
ILLUSTRATIVE_FIGURE = "Cible illustrative : l'article source ne la chiffre pas."
REGIONS = {"27": "Bourgogne-Franche-Comté", "44": "Grand Est", "75": "Nouvelle-Aquitaine"}

ORGANISATIONS = {
    "BFC numérique": Kind.CLUSTER,
    "Numérica": Kind.CLUSTER,
    "Nicéphore Cité": Kind.CLUSTER,
    "Inkub": Kind.INCUBATOR,
    "Région Bourgogne-Franche-Comté": Kind.PUBLIC_BODY,
    "État": Kind.PUBLIC_BODY,
    "CCI Bourgogne-Franche-Comté": Kind.PUBLIC_BODY,
    "Région Nouvelle-Aquitaine": Kind.PUBLIC_BODY,
    "SPL Nouvelle-Aquitaine THD": Kind.PUBLIC_BODY,
    "Magelis": Kind.CLUSTER,
    "Région Grand Est": Kind.PUBLIC_BODY,
    "Syntec Numérique": Kind.CLUSTER,
    "Grand Enov": Kind.PUBLIC_BODY,
    "Pôle emploi": Kind.PUBLIC_BODY,
}

# (title, owner, status, priority, illustrative, extra) — extra may hold budget, steps, partners.
Row = tuple[str, str, str, str, bool, dict[str, Any]]
S = ActionStatus
P = Priority
Tree = list[tuple[str, list[tuple[str, list[Row]]]]]  # axes → objectives → actions

# fmt: off
BFC_TREE: Tree = [
    ("Structurer l'écosystème", [
        ("Fédérer les acteurs du numérique au sein de BFC numérique", [
            ("Clarifier le rôle de chaque expert du réseau (BFC numérique, Nicéphore Cité, Numérica)", "BFC numérique", S.DONE, P.HIGH, False, {}),
            ("Rassembler une offre commune de plus de 40 services aux entreprises", "BFC numérique", S.DONE, P.HIGH, False, {"budget": (120_000, 118_000)}),
            ("Répondre collectivement aux appels à projets nationaux (French Tech)", "BFC numérique", S.IN_PROGRESS, P.MEDIUM, False, {}),
            ("Animer la gouvernance du cluster et ses collèges", "BFC numérique", S.IN_PROGRESS, P.MEDIUM, True, {}),
        ]),
        ("Connaître et rendre visible la filière", [
            ("Cartographier les acteurs de la filière numérique régionale", "BFC numérique", S.DONE, P.MEDIUM, True, {}),
            ("Publier un observatoire annuel de la filière (entreprises, emplois, croissance)", "Région Bourgogne-Franche-Comté", S.IN_PROGRESS, P.MEDIUM, True, {}),
            ("Tenir un annuaire en ligne des offreurs de solutions numériques", "BFC numérique", S.NOT_STARTED, P.LOW, True, {}),
        ]),
    ]),
    ("Attirer et faire rayonner la filière numérique régionale", [
        ("Présence collective sur les événements internationaux", [
            ("Présence collective des écosystèmes et des start-up au CES de Las Vegas", "BFC numérique", S.DONE, P.HIGH, False, {"budget": (250_000, 241_500), "steps": [("Appel à candidatures des start-up", True), ("Stand régional", True), ("Bilan des contacts", True)]}),
            ("Présence collective à Vivatech Paris", "BFC numérique", S.IN_PROGRESS, P.HIGH, False, {"budget": (150_000, 60_000), "steps": [("Sélection des exposants", True), ("Stand régional", False), ("Bilan", False)]}),
            ("Mission collective de la filière au Japon", "Numérica", S.LATE, P.MEDIUM, False, {"budget": (80_000, 12_000)}),
        ]),
        ("Promouvoir la filière et ses talents", [
            ("Programme annuel de plus de 50 événements et opérations de communication et de formation pour les TPE/PME", "BFC numérique", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Journée Conext Days de Nicéphore Cité", "Nicéphore Cité", S.DONE, P.MEDIUM, False, {}),
            ("Campagne de marque commune de la filière numérique régionale", "BFC numérique", S.NOT_STARTED, P.LOW, True, {}),
            ("Accueil de délégations et d'investisseurs", "Région Bourgogne-Franche-Comté", S.IN_PROGRESS, P.LOW, True, {}),
            ("Valoriser les start-up régionales auprès des grands comptes", "Inkub", S.NOT_STARTED, P.MEDIUM, True, {}),
        ]),
    ]),
    ("Accompagner dans la continuité les chefs d'entreprise", [
        ("Accompagner plus de 600 entreprises par an", [
            ("Accompagner la transformation numérique des PME industrielles", "Nicéphore Cité", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Expérimenter les usages numériques innovants avec les entreprises", "Numérica", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Guichet unique d'orientation vers les services du réseau", "BFC numérique", S.DONE, P.MEDIUM, True, {}),
            ("Diagnostics numériques des TPE/PME", "CCI Bourgogne-Franche-Comté", S.IN_PROGRESS, P.MEDIUM, True, {}),
        ]),
        ("Financer et faire grandir les entreprises", [
            ("Incuber et accélérer les start-up du numérique", "Inkub", S.IN_PROGRESS, P.MEDIUM, True, {}),
            ("Mettre en relation les entreprises avec les financeurs", "Région Bourgogne-Franche-Comté", S.NOT_STARTED, P.MEDIUM, True, {}),
            ("Accompagner les entreprises du numérique à l'export", "CCI Bourgogne-Franche-Comté", S.NOT_STARTED, P.LOW, True, {}),
            ("Animer des clubs de dirigeants du numérique", "BFC numérique", S.ABANDONED, P.LOW, True, {}),
        ]),
    ]),
    ("Anticiper les mutations liées à la révolution numérique et trouver les compétences", [
        ("Connaître les besoins et l'offre de compétences", [
            ("Cartographier les offres de formation au numérique", "BFC numérique", S.DONE, P.HIGH, False, {"steps": [("Recensement des formations", True), ("Carte publiée", True)]}),
            ("Enquête régulière sur les besoins en compétences des entreprises", "BFC numérique", S.IN_PROGRESS, P.HIGH, False, {"steps": [("Questionnaire 2019", True), ("Enquête 2020", True), ("Enquête 2021", False), ("Enquête 2022", False)]}),
            ("Observer les métiers en tension", "Région Bourgogne-Franche-Comté", S.NOT_STARTED, P.MEDIUM, True, {}),
        ]),
        ("Développer et diversifier les talents", [
            ("Féminiser la filière (12 % des effectifs de formation, 16 % des emplois)", "BFC numérique", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Impulser la transition numérique de l'industrie", "Nicéphore Cité", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Faire découvrir les métiers du numérique aux collégiens et lycéens", "Numérica", S.IN_PROGRESS, P.MEDIUM, True, {}),
            ("Former les salariés de l'industrie aux compétences numériques", "Région Bourgogne-Franche-Comté", S.NOT_STARTED, P.MEDIUM, True, {}),
        ]),
    ]),
]

NA_TREE: Tree = [
    ("Une région qui rayonne et qui attire par le numérique", [
        ("Fédérer l'écosystème numérique régional pour rayonner plus largement", [
            ("Animation transversale de l'écosystème numérique à l'échelle de la Nouvelle-Aquitaine", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Délégation régionale au CES de Las Vegas", "Région Nouvelle-Aquitaine", S.DONE, P.MEDIUM, False, {}),
            ("Instance de gouvernance régionale du numérique (une vingtaine de membres)", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
        ("Accélérer l'émergence de quatre secteurs d'excellence dans le numérique en Nouvelle-Aquitaine : image/jeu vidéo, IA/robotique, logiciels libres et cybersécurité", [
            ("Structurer la dynamique régionale de l'image et du jeu vidéo (Bordeaux, Angoulême)", "Magelis", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Accompagner la candidature de Bordeaux à la Robocup 2020", "Région Nouvelle-Aquitaine", S.DONE, P.MEDIUM, False, {}),
            ("Déployer l'offre de services logiciel libre sur tout le territoire", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
            ("Impulser une dynamique régionale de collaboration en cybersécurité", "Région Nouvelle-Aquitaine", S.NOT_STARTED, P.MEDIUM, False, {}),
        ]),
        ("Attirer en Nouvelle-Aquitaine les entreprises, les talents et les investisseurs du numérique", [
            ("Renforcer l'ouverture à l'international des acteurs numériques régionaux", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
    ]),
    ("Une économie boostée par le numérique qui génère de la valeur et crée des emplois", [
        ("Soutenir l'émergence et la croissance des entreprises du numérique", [
            ("Aides au prototypage numérique et à la production de jeux vidéo", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Dispositifs Région Start Up", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Parcours de l'export", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
        ("Accélérer la transformation numérique des entreprises", [
            ("Chèque transformation numérique", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Programme régional d'accompagnement à la transformation numérique des entreprises", "Région Nouvelle-Aquitaine", S.NOT_STARTED, P.HIGH, False, {}),
        ]),
        ("Favoriser la collaboration autour de projets numériques innovants", [
            ("Soutien aux projets collaboratifs innovants", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
    ]),
    ("Un capital humain riche de talents et compétences numériques", [
        ("Attirer les jeunes vers les métiers du numérique", [
            ("Promouvoir les métiers du numérique auprès des jeunes avec les clusters et les structures de formation", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
        ]),
        ("Accentuer la coopération entre les entreprises de la filière et les structures de formation", [
            ("Nouveaux modes de coopération entre écoles, universités et entreprises", "Région Nouvelle-Aquitaine", S.NOT_STARTED, P.MEDIUM, False, {}),
        ]),
        ("Adapter les compétences des salariés aux besoins des entreprises et faciliter les recrutements", [
            ("École régionale du numérique", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.HIGH, False, {}),
        ]),
    ]),
    ("Un territoire connecté au service des entreprises néo-aquitaines", [
        ("Déployer le Très Haut Débit", [
            ("Réseaux d'initiative publique : fibre pour 1,4 million de foyers et entreprises", "SPL Nouvelle-Aquitaine THD", S.IN_PROGRESS, P.HIGH, False, {"budget": (229_000_000, 98_000_000)}),
        ]),
        ("Faire émerger des projets issus des territoires et les accompagner pour générer localement de la richesse et de l'emploi", [
            ("Maillage équilibré de l'offre d'accompagnement des entreprises sur le territoire", "Région Nouvelle-Aquitaine", S.NOT_STARTED, P.MEDIUM, False, {}),
        ]),
        ("Développer le réseau des lieux d'accueil autour du numérique sur le territoire", [
            ("AMI tiers-lieux", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
            ("Cité numérique à Bordeaux", "Région Nouvelle-Aquitaine", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
    ]),
]

GE_TREE: Tree = [
    ("Fédérer et renforcer l'écosystème numérique", [
        ("Unifier l'écosystème numérique issu de la fusion des trois régions", [
            ("Fédérer les clusters numériques territoriaux en conservant leur ancrage", "Région Grand Est", S.IN_PROGRESS, P.HIGH, False, {}),
        ]),
    ]),
    ("Développer les compétences, la formation et l'emploi", [
        ("Mieux faire connaître les métiers et les formations", [
            ("Sensibiliser les plus jeunes aux métiers du numérique, notamment les jeunes filles", "Syntec Numérique", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Faciliter l'appréhension des technologies émergentes par les entreprises (IA, RPA)", "Syntec Numérique", S.NOT_STARTED, P.MEDIUM, False, {}),
        ]),
        ("Numéric Emploi Grand Est (NEGE)", [
            ("Sélectionner, former et réinsérer des demandeurs d'emploi (NEGE)", "Région Grand Est", S.IN_PROGRESS, P.HIGH, False, {}),
            ("Transformer NEGE en outil de reconversion anticipatif (banque, automobile, industrie)", "Syntec Numérique", S.NOT_STARTED, P.HIGH, False, {}),
        ]),
    ]),
    ("Faciliter les usages et la transformation numérique des territoires", [
        ("Technologies émergentes et filières prioritaires du SRDEII", [
            ("Plan intelligence artificielle et structuration de la filière (cloud de confiance, objets connectés, blockchain, cybersécurité)", "Grand Enov", S.IN_PROGRESS, P.MEDIUM, False, {}),
        ]),
        ("Accompagner les territoires et faire connaître l'offre technologique régionale", [
            ("Forums régionaux offre/demande, à commencer par la télémédecine", "Région Grand Est", S.NOT_STARTED, P.MEDIUM, False, {}),
        ]),
    ]),
]
# fmt: on


M = TypeVar("M", bound=Model)


def _upsert(model: type[M], defaults: dict[str, Any], **lookup: Any) -> tuple[M, bool]:
    """`update_or_create` that writes nothing when the row already holds `defaults`: one query for
    an unchanged row where `update_or_create` sent four (a savepoint, SELECT ... FOR UPDATE, a
    full UPDATE, the release); a rerun of the demo sent 744 queries."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **defaults), True
    changed = []
    for name, value in defaults.items():
        field = model._meta.get_field(name)
        attname, current = name, value
        if field.is_relation and name == field.name:  # compare keys: no query for the related row
            attname, current = f"{name}_id", value.pk if value is not None else None
        if getattr(row, attname) != current:
            setattr(row, name, value)
            changed.append(name)
    if changed:
        row.save()
    return row, False


def _organisation(name: str) -> Organisation:
    org = Organisation.objects.filter(name=name).order_by("pk").first()
    if org is None:
        org = organisation_services.create_organisation(
            name=name, kind=ORGANISATIONS.get(name, Kind.PUBLIC_BODY), source=Source.SEED
        )
    return org


def _plan(region: str, title: str, **fields: Any) -> Plan:
    partners = fields.pop("partners")
    plan, _created = _upsert(Plan, region_id=region, title=title, defaults=fields)
    plan.partners.set([_organisation(n) for n in partners])
    return plan


def _tree(plan: Plan, tree: Tree) -> dict[str, Action]:
    """Create the tree; actions are spread over the plan period in the order given."""
    actions: dict[str, Action] = {}
    span = (plan.end_date - plan.start_date).days
    count = sum(len(rows) for _a, objectives in tree for _o, rows in objectives)
    index = 0
    for a_pos, (axis_title, objectives) in enumerate(tree, start=1):
        axis, _c = _upsert(
            Axis, plan=plan, title=axis_title, defaults={"kind": plan.axis_kind, "position": a_pos}
        )
        for o_pos, (objective_title, rows) in enumerate(objectives, start=1):
            objective, _c = _upsert(Objective, axis=axis, title=objective_title, defaults={"position": o_pos})
            for position, (title, owner, status, priority, illustrative, extra) in enumerate(rows, start=1):
                start = plan.start_date + dt.timedelta(days=(index * span // (count * 2)))
                end = plan.end_date - dt.timedelta(days=((count - index - 1) * span // (count * 3)))
                planned, spent = extra.get("budget", (None, None))
                action, _c = _upsert(
                    Action,
                    objective=objective,
                    title=title,
                    defaults={
                        "position": position,
                        "owner": _organisation(owner),
                        "owner_name": "",
                        "status": status,
                        "priority": priority,
                        "description": ILLUSTRATIVE if illustrative else "",
                        "start_date": start,
                        "end_date": end,
                        "budget_planned": None if planned is None else Decimal(planned),
                        "budget_spent": None if spent is None else Decimal(spent),
                    },
                )
                for s_pos, (step, done) in enumerate(extra.get("steps", []), start=1):
                    _upsert(ActionStep, action=action, title=step, defaults={"position": s_pos, "done": done})
                actions[title] = action
                index += 1
    return actions


def _indicator(
    plan: Plan,
    name: str,
    *,
    unit: str,
    baseline: tuple[dt.date, float] | None,
    targets: list[tuple[dt.date, float]] = (),  # type: ignore[assignment]
    values: list[tuple[dt.date, float]] = (),  # type: ignore[assignment]
    source: str = "",
    description: str = "",
    direction: str = Direction.UP,
    computed_key: str = "",
    actions: list[Action] = (),  # type: ignore[assignment]
    position: int = 0,
) -> Indicator:
    indicator, _c = _upsert(
        Indicator,
        plan=plan,
        name=name,
        defaults={
            "unit": unit,
            "direction": direction,
            "baseline_date": baseline[0] if baseline else None,
            "baseline_value": Decimal(str(baseline[1])) if baseline else None,
            "source": source,
            "description": description,
            "computation": Computation.COMPUTED if computed_key else Computation.MANUAL,
            "computed_key": computed_key,
            "position": position,
        },
    )
    indicator.actions.set(actions)
    for day, value in targets:
        _upsert(IndicatorTarget, indicator=indicator, date=day, defaults={"value": Decimal(str(value))})
    for day, value in values:
        if not indicator.values.filter(date=day).exists():
            IndicatorValue.objects.create(
                indicator=indicator,
                date=day,
                value=Decimal(str(value)),
                source="Valeur illustrative (démonstration)",
            )
    return indicator


def _bfc() -> Plan:
    plan = _plan(
        "27",
        "Contrat d'appui à la performance économique et au développement des compétences de la filière numérique",
        kind=PlanKind.CONTRACT,
        axis_kind=AxisKind.PRIORITY,
        start_date=D(2019, 3, 7),
        end_date=D(2023, 3, 6),
        is_public=True,
        description=(
            "Contrat-cadre de 4 ans signé le 7 mars 2019 par l'État, la Région et les représentants de la filière "
            "numérique fédérés au sein du cluster BFC numérique (Numérica, Nicéphore Cité, Inkub…) : 30 actions "
            "réparties selon 4 enjeux prioritaires. Les actions marquées « Action illustrative » complètent celles "
            "que cite le communiqué."
        ),
        partners=[
            "État",
            "Région Bourgogne-Franche-Comté",
            "BFC numérique",
            "Numérica",
            "Nicéphore Cité",
            "Inkub",
        ],
    )
    actions = _tree(plan, BFC_TREE)
    src = "Communiqué du conseil régional de Bourgogne-Franche-Comté, 8 mars 2019"
    start = D(2019, 3, 7)
    support = [
        a
        for t, a in actions.items()
        if t.startswith(("Accompagner la transformation", "Expérimenter", "Guichet", "Diagnostics"))
    ]
    _indicator(plan, "Entreprises de la filière numérique", unit="entreprises", baseline=(start, 1500), targets=[(D(2021, 3, 1), 1600), (D(2023, 3, 1), 1700)], values=[(D(2020, 3, 1), 1540), (D(2021, 3, 1), 1590)], source=src, description=ILLUSTRATIVE_FIGURE, position=1)  # fmt: skip
    _indicator(plan, "Salariés de la filière numérique", unit="salariés", baseline=(start, 8000), targets=[(D(2021, 3, 1), 10400), (D(2023, 3, 1), 13500)], values=[(D(2020, 3, 1), 9100), (D(2021, 3, 1), 10200)], source=src, description="Cible : +14 % par an, le rythme cité par l'article, prolongé sur la durée du contrat (illustratif).", position=2)  # fmt: skip
    _indicator(plan, "Croissance annuelle des effectifs", unit="%", baseline=(start, 14), targets=[(D(2023, 3, 1), 14)], values=[(D(2020, 3, 1), 13.8), (D(2021, 3, 1), 12.1)], source=src, description="Maintenir le rythme de 14 % par an.", position=3)  # fmt: skip
    _indicator(plan, "Entreprises accompagnées par an", unit="entreprises", baseline=(start, 600), targets=[(D(2023, 3, 1), 750)], values=[(D(2019, 12, 31), 620), (D(2020, 12, 31), 655), (D(2021, 12, 31), 690)], source=src, description=ILLUSTRATIVE_FIGURE, actions=support, position=4)  # fmt: skip
    _indicator(plan, "Événements et opérations de communication/formation par an", unit="événements", baseline=(start, 50), targets=[(D(2023, 3, 1), 60)], values=[(D(2019, 12, 31), 52), (D(2020, 12, 31), 41), (D(2021, 12, 31), 55)], source=src, description=ILLUSTRATIVE_FIGURE, actions=[ actions[ "Programme annuel de plus de 50 événements et opérations de communication et de formation pour les TPE/PME" ] ], position=5)  # fmt: skip
    _indicator(plan, "Services proposés par le réseau", unit="services", baseline=(start, 40), targets=[(D(2021, 3, 1), 45)], values=[(D(2020, 6, 30), 43)], source=src, description=ILLUSTRATIVE_FIGURE, actions=[actions["Rassembler une offre commune de plus de 40 services aux entreprises"]], position=6)  # fmt: skip
    women = [actions["Féminiser la filière (12 % des effectifs de formation, 16 % des emplois)"]]
    _indicator(plan, "Part des femmes dans les emplois du numérique", unit="%", baseline=(start, 16), targets=[(D(2023, 3, 1), 20)], values=[(D(2020, 12, 31), 16.5), (D(2021, 12, 31), 17.2)], source=src, description=ILLUSTRATIVE_FIGURE, actions=women, position=7)  # fmt: skip
    _indicator(plan, "Part des femmes dans les effectifs de formation au numérique", unit="%", baseline=(start, 12), targets=[(D(2023, 3, 1), 18)], values=[(D(2020, 12, 31), 13)], source=src, description=ILLUSTRATIVE_FIGURE, actions=women, position=8)  # fmt: skip
    _indicator(plan, "Établissements numériques actifs dans l'annuaire", unit="établissements", baseline=None, source="Annuaire Filière (SIRENE)", description="Calculé par la plateforme à partir de l'annuaire.", computed_key="digital_establishments_in_region", position=9)  # fmt: skip
    return plan


def _na() -> Plan:
    plan = _plan(
        "75",
        "Feuille de route de soutien à l'économie numérique 2018-2021",
        kind=PlanKind.ROADMAP,
        axis_kind=AxisKind.AMBITION,
        start_date=D(2018, 6, 25),
        end_date=D(2021, 12, 31),
        is_public=True,
        description=(
            "Feuille de route adoptée en séance plénière le 25 juin 2018, co-construite avec les forces vives du "
            "numérique (40 entretiens, 220 participants à la journée du 2 octobre 2017, consultation en ligne). "
            "Pilotée par la Délégation numérique avec un suivi régulier de la mise en œuvre des actions en lien avec "
            "les porteurs identifiés pour chaque action. Les actions reprennent les dispositifs cités par la délibération."
        ),
        partners=["Région Nouvelle-Aquitaine", "SPL Nouvelle-Aquitaine THD", "Magelis"],
    )
    actions = _tree(plan, NA_TREE)
    insee = "Insee Analyses Nouvelle-Aquitaine n° 47, octobre 2017"
    thd = actions["Réseaux d'initiative publique : fibre pour 1,4 million de foyers et entreprises"]
    _indicator(plan, "Emplois de l'économie numérique", unit="emplois", baseline=(D(2017, 10, 1), 60000), targets=[(D(2021, 12, 31), 66000)], values=[(D(2019, 12, 31), 62500)], source=insee, description=ILLUSTRATIVE_FIGURE, actions=[actions["Dispositifs Région Start Up"]], position=1)  # fmt: skip
    _indicator(plan, "Établissements de l'économie numérique", unit="établissements", baseline=(D(2017, 10, 1), 21000), targets=[(D(2021, 12, 31), 23000)], values=[(D(2019, 12, 31), 21900)], source=insee, description=ILLUSTRATIVE_FIGURE, actions=[actions["Aides au prototypage numérique et à la production de jeux vidéo"]], position=2)  # fmt: skip
    _indicator(plan, "Foyers et entreprises raccordables à la fibre (RIP)", unit="prises", baseline=(D(2018, 6, 25), 0), targets=[(D(2020, 12, 31), 600000), (D(2022, 12, 31), 1400000)], values=[(D(2019, 12, 31), 210000), (D(2020, 12, 31), 480000)], source="Délibération du 25 juin 2018", description="1,4 million de foyers et entreprises à raccorder par les réseaux d'initiative publique.", actions=[thd], position=3)  # fmt: skip
    _indicator(plan, "Investissement régional dans le très haut débit", unit="M€", baseline=(D(2018, 6, 25), 0), targets=[(D(2022, 12, 31), 229)], values=[(D(2019, 12, 31), 45), (D(2020, 12, 31), 98)], source="Délibération du 25 juin 2018", description="229 millions d'euros sur 5 ans.", actions=[thd], position=4)  # fmt: skip
    _indicator(plan, "Établissements numériques actifs dans l'annuaire", unit="établissements", baseline=None, source="Annuaire Filière (SIRENE)", description="Calculé par la plateforme à partir de l'annuaire.", computed_key="digital_establishments_in_region", position=5)  # fmt: skip
    return plan


def _ge() -> Plan:
    plan = _plan(
        "44",
        "Convention tripartite Région Grand Est – Syntec Numérique – Grand Enov",
        kind=PlanKind.CONVENTION,
        axis_kind=AxisKind.PRIORITY,
        start_date=D(2019, 11, 26),
        end_date=D(2022, 11, 25),
        is_public=True,
        description=(
            "Convention adoptée en Commission permanente le 22 novembre 2019 et signée le 26 novembre à Strasbourg, "
            "dans le cadre de la stratégie Smart Region, autour de 3 priorités majeures. La durée de 3 ans est "
            "illustrative (l'article ne la précise pas)."
        ),
        partners=["Région Grand Est", "Syntec Numérique", "Grand Enov"],
    )
    actions = _tree(plan, GE_TREE)
    nege = [actions["Sélectionner, former et réinsérer des demandeurs d'emploi (NEGE)"]]
    src = "Région Grand Est, 22 novembre 2019"
    _indicator(plan, "Dossiers NEGE traités par an", unit="dossiers", baseline=(D(2019, 11, 26), 500), targets=[(D(2022, 11, 25), 650)], values=[(D(2020, 12, 31), 540), (D(2021, 12, 31), 590)], source=src, description=ILLUSTRATIVE_FIGURE, actions=nege, position=1)  # fmt: skip
    _indicator(plan, "Stagiaires NEGE par an", unit="stagiaires", baseline=(D(2019, 11, 26), 200), targets=[(D(2022, 11, 25), 300)], values=[(D(2020, 12, 31), 210), (D(2021, 12, 31), 260)], source=src, description=ILLUSTRATIVE_FIGURE, actions=nege, position=2)  # fmt: skip
    _indicator(plan, "Taux de retour à l'emploi des stagiaires NEGE", unit="%", baseline=(D(2019, 11, 26), 90), targets=[(D(2022, 11, 25), 90)], values=[(D(2020, 12, 31), 88), (D(2021, 12, 31), 91)], source=src, description="Maintenir le taux de 90 %.", actions=nege, position=3)  # fmt: skip
    computed = (
        "Calculé par la plateforme à partir des dossiers des programmes de formation de la région (talents)."
    )
    _indicator(plan, "Dossiers NEGE de la dernière promotion (plateforme)", unit="dossiers", baseline=None, targets=[(D(2022, 11, 25), 500)], source="Filière, programmes de formation", description=computed, computed_key="programme_files_latest_year", actions=nege, position=4)  # fmt: skip
    _indicator(plan, "Taux de retour à l'emploi à 6 mois (plateforme)", unit="%", baseline=None, targets=[(D(2022, 11, 25), 90)], source="Filière, programmes de formation", description=computed, computed_key="programme_back_to_work_rate", actions=nege, position=5)  # fmt: skip
    return plan


@transaction.atomic
def load_roadmaps_demo() -> list[Plan]:
    """Create or refresh the three demo plans; the regions 27, 44 and 75 must exist."""

    missing = sorted(
        set(REGIONS) - set(Region.objects.filter(code__in=REGIONS).values_list("code", flat=True))
    )
    if missing:
        names = ", ".join(f"{code} ({REGIONS[code]})" for code in missing)
        raise ImproperlyConfigured(
            f"Regions missing: {names}. Load the territories (COG) first "
            "or create them, then rerun roadmaps_demo."
        )
    plans = [_bfc(), _na(), _ge()]
    # The indicators the platform computes (directory, programmes) get today's value now, as the
    # daily job would: the demo runs after the other apps' demos (INSTALLED_APPS order), so the
    # directory and the programmes are there; without this they showed "n.d." until "Recalculer".
    refresh_all_computed_indicators()
    return plans
