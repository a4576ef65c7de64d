"""Demo of the support network: the Bourgogne-Franche-Comté offer (seed 000) and the Nouvelle-Aquitaine
regional schemes (seed 002).

"Le réseau a rassemblé une offre de plus de 40 services au bénéfice des entreprises du territoire"
and "accompagne plus de 600 entreprises par an" (000): 42 services of BFC numérique, Numérica,
Nicéphore Cité, Inkub and the CCI, funded by the Région and the State (the CAPéCO signatories),
and about 600 real companies of the directory's Bourgogne-Franche-Comté demo supported in 2025
and again (other firms, some the same) in 2026 up to today, 1 to 3 times each. Nouvelle-Aquitaine
(002) names its regional schemes: Chèque transformation numérique, Prototype numérique, Région Start
Up, Parcours de l'export, run and funded by the Région. A few requests show the routing: answered,
taken in charge, waiting. Seeded random, so reloading gives the same; loading twice changes
nothing. Bulk inserts: a few seconds.

Length (just past 500 lines), on purpose: data, the 42 services and four schemes typed from the
seeds, then one loader; split, the catalogue would be apart from the only code that reads it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from filiere.accounts.models import Membership
from filiere.organisations.models import Establishment, Kind, Organisation, State

from . import indexing
from .models import (
    Engagement,
    EngagementKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    SupportRequest,
    Survey,
    SurveyKind,
    Theme,
    firm_key,
    size_class_of,
)

SEED = 20261203
FIRMS_PER_YEAR = 600
SMES = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31"]
DIGITAL_NAF = ["58.2", "62", "63.1"]
T = Theme

# (provider, title, theme, summary, rules): rules are Service fields (territory defaults to region 27).
BFC_SERVICES: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    (
        "BFC numérique",
        "Premier rendez-vous numérique",
        T.TRANSFORMATION,
        "Un échange pour qualifier votre besoin et vous orienter dans le réseau.",
        {"is_free": True},
    ),
    (
        "BFC numérique",
        "Annuaire et visibilité de la filière",
        T.MARKETING,
        "Votre entreprise présentée aux donneurs d'ordre de la région.",
        {"is_free": True, "naf_prefixes": DIGITAL_NAF},
    ),
    (
        "BFC numérique",
        "Mise en relation avec les écoles",
        T.SKILLS,
        "Stages, alternances et projets d'étudiants du numérique.",
        {"is_free": True},
    ),
    (
        "BFC numérique",
        "Délégation collective au CES Las Vegas",
        T.EXPORT,
        "Exposer sur le pavillon régional, préparation et accompagnement sur place.",
        {"cost": "Reste à charge après aide régionale", "naf_prefixes": DIGITAL_NAF},
    ),
    (
        "BFC numérique",
        "Délégation Vivatech",
        T.EXPORT,
        "Présence collective sur le stand régional de Vivatech Paris.",
        {"cost": "Participation forfaitaire"},
    ),
    (
        "BFC numérique",
        "Réponse collective aux appels à projets",
        T.FUNDING,
        "Monter un consortium régional pour un appel à projets national (French Tech…).",
        {"is_free": True},
    ),
    (
        "BFC numérique",
        "Club RH du numérique",
        T.SKILLS,
        "Partager les pratiques de recrutement et de fidélisation entre entreprises.",
        {"is_free": True, "naf_prefixes": DIGITAL_NAF},
    ),
    (
        "BFC numérique",
        "Féminisation des métiers du numérique",
        T.SKILLS,
        "Actions pour recruter et faire évoluer des femmes dans vos équipes techniques.",
        {"is_free": True},
    ),
    (
        "Nicéphore Cité",
        "Diagnostic transformation numérique des PME industrielles",
        T.INDUSTRY,
        "Deux jours d'audit de vos processus de production et un plan d'action chiffré.",
        {
            "naf_prefixes": ["10", "20", "22", "24", "25", "27", "28", "29"],
            "headcount_bands": SMES,
            "cost": "Pris en charge à 80 % par la Région",
        },
    ),
    (
        "Nicéphore Cité",
        "Industrie du futur : capteurs et données de production",
        T.INDUSTRY,
        "Instrumenter une ligne de production et exploiter ses données.",
        {"headcount_bands": SMES},
    ),
    (
        "Nicéphore Cité",
        "Démonstrateur réalité virtuelle et augmentée",
        T.INNOVATION,
        "Tester la réalité virtuelle pour la formation ou la maintenance.",
        {},
    ),
    (
        "Nicéphore Cité",
        "Conext Days",
        T.TRANSFORMATION,
        "Journée de rencontres et d'ateliers sur la transformation numérique des TPE/PME.",
        {"is_free": True},
    ),
    (
        "Nicéphore Cité",
        "Atelier image et vidéo numériques",
        T.MARKETING,
        "Produire vos contenus image et vidéo avec les équipements du pôle.",
        {"department_codes": ["71"], "region_codes": []},
    ),
    (
        "Nicéphore Cité",
        "Cybersécurité des systèmes industriels",
        T.CYBERSECURITY,
        "Diagnostic des automates et réseaux de production, plan de sécurisation.",
        {"headcount_bands": SMES},
    ),
    (
        "Nicéphore Cité",
        "Formation des dirigeants au numérique",
        T.SKILLS,
        "Cycle de demi-journées pour dirigeants de TPE/PME.",
        {"headcount_bands": SMES},
    ),
    (
        "Nicéphore Cité",
        "Accompagnement ERP et gestion de production",
        T.TRANSFORMATION,
        "Choisir et déployer un ERP adapté à votre atelier.",
        {"headcount_bands": SMES},
    ),
    (
        "Nicéphore Cité",
        "Maintenance prédictive et intelligence artificielle",
        T.DATA_AI,
        "Un premier cas d'usage d'IA sur vos données de maintenance.",
        {"headcount_bands": SMES},
    ),
    (
        "Numérica",
        "Laboratoire des usages numériques innovants",
        T.INNOVATION,
        "Tester un nouvel usage avec de vrais utilisateurs.",
        {"department_codes": ["25", "90", "70", "39"], "region_codes": []},
    ),
    (
        "Numérica",
        "Prototypage rapide au fab lab",
        T.INNOVATION,
        "Impression 3D, découpe laser et électronique pour votre prototype.",
        {"department_codes": ["25", "90"], "region_codes": []},
    ),
    (
        "Numérica",
        "Accompagnement objets connectés",
        T.INNOVATION,
        "De l'idée au prototype d'objet connecté.",
        {},
    ),
    (
        "Numérica",
        "Hébergement en pépinière numérique",
        T.CREATION,
        "Bureaux et services partagés à Montbéliard pour jeunes entreprises.",
        {"max_age_years": 5, "department_codes": ["25"], "region_codes": []},
    ),
    (
        "Numérica",
        "Atelier données et intelligence artificielle",
        T.DATA_AI,
        "Valoriser vos données : atelier de cadrage et preuve de concept.",
        {},
    ),
    (
        "Numérica",
        "Veille technologique partagée",
        T.INNOVATION,
        "Une note mensuelle et des matinales sur les technologies émergentes.",
        {"is_free": True},
    ),
    (
        "Numérica",
        "Sensibilisation cybersécurité des TPE",
        T.CYBERSECURITY,
        "Une demi-journée pour protéger vos postes, sauvegardes et messageries.",
        {"is_free": True, "headcount_bands": ["NN", "00", "01", "02", "03"]},
    ),
    (
        "Numérica",
        "Conseil en design numérique",
        T.MARKETING,
        "Améliorer l'ergonomie de votre site ou application.",
        {},
    ),
    (
        "Inkub",
        "Incubation de start-up numériques",
        T.CREATION,
        "Douze mois d'accompagnement pour lancer votre start-up.",
        {"max_age_years": 2, "naf_prefixes": DIGITAL_NAF},
    ),
    (
        "Inkub",
        "Programme d'accélération",
        T.CREATION,
        "Six mois pour trouver vos premiers clients et structurer votre croissance.",
        {"max_age_years": 5},
    ),
    (
        "Inkub",
        "Préparation à la levée de fonds",
        T.FUNDING,
        "Pitch, valorisation, rencontre d'investisseurs et de business angels.",
        {"max_age_years": 8},
    ),
    (
        "Inkub",
        "Prêt d'honneur innovation",
        T.FUNDING,
        "Prêt personnel à taux zéro pour renforcer les fonds propres.",
        {"max_age_years": 3, "cost": "Prêt à taux zéro"},
    ),
    (
        "Inkub",
        "Mentorat par des dirigeants",
        T.CREATION,
        "Un dirigeant expérimenté vous suit pendant un an.",
        {"is_free": True, "max_age_years": 5},
    ),
    (
        "Inkub",
        "Accès aux marchés publics innovants",
        T.FUNDING,
        "Répondre aux achats innovants des collectivités et de l'État.",
        {"is_free": True},
    ),
    (
        "Inkub",
        "Bootcamp produit",
        T.INNOVATION,
        "Une semaine pour passer de l'idée à un produit minimum testable.",
        {"max_age_years": 3},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Diagnostic numérique des commerces",
        T.MARKETING,
        "Site, vente en ligne et réseaux sociaux de votre commerce.",
        {"naf_prefixes": ["45", "46", "47", "56"], "is_free": True},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Team France Export : prospection internationale",
        T.EXPORT,
        "Un conseiller export pour préparer vos marchés cibles.",
        {"headcount_bands": SMES},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Sécurisation des paiements en ligne",
        T.CYBERSECURITY,
        "Paiement, fraude et RGPD pour votre boutique en ligne.",
        {"naf_prefixes": ["47"]},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Transmission et reprise d'entreprise",
        T.FUNDING,
        "Préparer la cession ou la reprise d'une entreprise du numérique.",
        {},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Formation continue des salariés au numérique",
        T.SKILLS,
        "Bureautique, outils collaboratifs et cybersécurité pour vos équipes.",
        {},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Créer son entreprise du numérique",
        T.CREATION,
        "Ateliers création : statut, prévisionnel, financement.",
        {"is_free": True},
    ),
    (
        "CCI de Bourgogne-Franche-Comté",
        "Performance énergétique des centres de données",
        T.INDUSTRY,
        "Réduire la consommation de vos serveurs et salles informatiques.",
        {"naf_prefixes": ["63.1"]},
    ),
    (
        "Région Bourgogne-Franche-Comté",
        "Aide au conseil pour la transformation numérique",
        T.TRANSFORMATION,
        "Subvention d'une prestation de conseil externe.",
        {
            "headcount_bands": SMES,
            "cost": "Subvention jusqu'à 50 % du conseil",
            "is_regional_aid_scheme": True,
        },
    ),
    (
        "Région Bourgogne-Franche-Comté",
        "Avance remboursable innovation",
        T.FUNDING,
        "Financer un projet d'innovation technologique.",
        {"headcount_bands": SMES, "cost": "Avance remboursable", "is_regional_aid_scheme": True},
    ),
    (
        "Région Bourgogne-Franche-Comté",
        "Aide au recrutement de cadres",
        T.SKILLS,
        "Subvention du premier recrutement d'un cadre technique ou commercial.",
        {"headcount_bands": SMES, "cost": "Subvention", "is_regional_aid_scheme": True},
    ),
)

NA_SCHEMES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "Chèque transformation numérique",
        T.TRANSFORMATION,
        "Subvention d'une prestation pour un projet de transformation numérique (outils, services ou usages).",
        {"headcount_bands": SMES, "cost": "Subvention plafonnée"},
    ),
    (
        "Prototype numérique",
        T.INNOVATION,
        "Aide au prototypage numérique et à la production de jeux vidéo.",
        {"naf_prefixes": [*DIGITAL_NAF, "59.1"], "cost": "Subvention"},
    ),
    (
        "Région Start Up",
        T.CREATION,
        "Aides aux jeunes pousses innovantes : amorçage, innovation, conseil, investissement, recrutement, formation, international.",
        {"max_age_years": 5, "cost": "Subventions et avances remboursables"},
    ),
    (
        "Parcours de l'export",
        T.EXPORT,
        "Aides au primo-exportateur, à l'exportateur confirmé, au recrutement de collaborateurs export, actions collectives à l'international.",
        {"headcount_bands": SMES, "cost": "Subvention"},
    ),
)


def _seed_org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).exclude(kind=Kind.COMPANY).order_by("pk").first()


def _services(today: dt.date) -> list[Service]:
    region_bfc = _seed_org("Région Bourgogne-Franche-Comté")
    state_bfc = _seed_org("Préfecture de la région Bourgogne-Franche-Comté")
    region_na = _seed_org("Région Nouvelle-Aquitaine")
    rows: list[tuple[Organisation, str, str, str, dict[str, Any], list[Organisation]]] = []
    funders_bfc = [o for o in (region_bfc, state_bfc) if o is not None]
    for provider_name, title, theme, summary, rules in BFC_SERVICES:
        provider = _seed_org(provider_name)
        if provider is not None:
            funders = [region_bfc] if provider == region_bfc and region_bfc else funders_bfc
            rows.append((provider, title, theme, summary, {"region_codes": ["27"], **rules}, funders))
    if region_na is not None:
        for title, theme, summary, rules in NA_SCHEMES:
            rules = {"region_codes": ["75"], "is_regional_aid_scheme": True, **rules}
            rows.append((region_na, title, theme, summary, rules, [region_na]))
    services = []
    for provider, title, theme, summary, rules, funders in rows:
        service, created = Service.objects.get_or_create(
            provider=provider,
            title=title,
            defaults={
                "theme": theme,
                "summary": summary,
                "description": summary,
                "contact_email": "",
                "url": provider.website,
                **rules,
            },
        )
        if created:
            service.funders.set(funders)
        services.append(service)
    return services


def _firms(rng: random.Random) -> list[tuple[Organisation, Establishment]]:
    """Open companies of the Bourgogne-Franche-Comté demo with a SIREN, their head office first."""
    rows = (
        Establishment.objects.filter(region_code="27", kind=Kind.COMPANY, state=State.ACTIVE)
        .select_related("organisation")
        .order_by("organisation_id", "-is_head_office", "pk")
    )
    seen: dict[int, tuple[Organisation, Establishment]] = {}
    for establishment in rows.iterator(chunk_size=2000):
        seen.setdefault(establishment.organisation_id, (establishment.organisation, establishment))
    firms = list(seen.values())
    rng.shuffle(firms)
    return firms


def _engagements(
    rng: random.Random,
    services: list[Service],
    firms: list[tuple[Organisation, Establishment]],
    today: dt.date,
) -> list[Engagement]:
    bfc = [s for s in services if "27" in s.region_codes or s.department_codes]
    engagements = []
    pool = firms[: int(FIRMS_PER_YEAR * 1.6)]
    for year in (today.year - 1, today.year):
        last = dt.date(year, 12, 31) if year < today.year else today
        span = (last - dt.date(year, 1, 1)).days
        # A share of last year's firms come back; the rest are new.
        chosen = rng.sample(pool, min(len(pool), int(FIRMS_PER_YEAR * (span + 1) / 365) or 1))
        for organisation, establishment in chosen:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                service = rng.choice(bfc)
                engagements.append(
                    Engagement(
                        siren=firm_key(organisation),
                        organisation=organisation,
                        provider_id=service.provider_id,
                        service=service,
                        kind=EngagementKind.DIRECT,
                        date=dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(span + 1)),
                        theme=service.theme,
                        size_class=size_class_of(organisation.headcount_band),
                        department_code=establishment.department_code,
                        region_code=establishment.region_code,
                        label=service.title,
                    )
                )
    return engagements


def _requests(
    rng: random.Random,
    services: list[Service],
    firms: list[tuple[Organisation, Establishment]],
    now: dt.datetime,
) -> int:
    """A few requests of 2026 showing the routing, for the demo accounts' inbox and history."""
    entreprise = Membership.objects.filter(user__username="entreprise").select_related("organisation").first()
    picked = firms[-12:]
    if entreprise is not None:
        head = entreprise.organisation.establishments.order_by("-is_head_office", "pk").first()
        if head is not None:
            picked = [(entreprise.organisation, head), *picked[:-1]]
    needs = (
        (
            "Nous voulons sécuriser notre réseau informatique après une tentative d'intrusion.",
            T.CYBERSECURITY,
        ),
        ("Nous cherchons à exporter notre logiciel en Allemagne et en Suisse.", T.EXPORT),
        ("Nous voulons numériser le suivi de production de notre atelier.", T.INDUSTRY),
        ("Nous recrutons deux développeurs et un chef de projet, comment faire ?", T.SKILLS),
    )
    statuses = (ReferralStatus.DONE, ReferralStatus.TAKEN, ReferralStatus.NEW, ReferralStatus.NOT_FOR_US)
    count = 0
    for index, (organisation, establishment) in enumerate(picked):
        text, theme = needs[index % len(needs)]
        service = rng.choice([s for s in services if s.theme == theme and "27" in s.region_codes] or services)
        created = now - dt.timedelta(days=2 + 5 * index)
        request = SupportRequest.objects.create(
            organisation=organisation,
            siret=establishment.siret or "",
            siren=firm_key(organisation),
            description=text,
            contact_email="contact@demo.filiere.invalid",
            department_code=establishment.department_code,
            region_code=establishment.region_code,
        )
        SupportRequest.objects.filter(pk=request.pk).update(created_at=created)
        status = statuses[index % len(statuses)]
        referral = Referral.objects.create(
            request=request, service=service, provider_id=service.provider_id, status=status, status_at=created,
            reasons=[f"Thème {service.get_theme_display()}", "Couvre votre région : Bourgogne-Franche-Comté"],
        )  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(created_at=created)
        ReferralEvent.objects.create(referral=referral, status=ReferralStatus.NEW, at=created)
        if status != ReferralStatus.NEW:
            ReferralEvent.objects.create(referral=referral, status=status, at=created + dt.timedelta(days=1))
        if status == ReferralStatus.DONE:
            day = (created + dt.timedelta(days=1)).date()
            Engagement.objects.create(
                siren=request.siren, organisation=organisation, provider_id=service.provider_id, service=service,
                referral=referral, kind=EngagementKind.REFERRAL, date=day, theme=service.theme,
                size_class=size_class_of(organisation.headcount_band), department_code=request.department_code,
                region_code=request.region_code, label=service.title,
            )  # fmt: skip
            Survey.objects.create(referral=referral, kind=SurveyKind.SATISFACTION, due_on=day, sent_at=now)
            Survey.objects.create(
                referral=referral, kind=SurveyKind.OUTCOME, due_on=day + dt.timedelta(days=182)
            )
        count += 1
    return count


def load_support_demo(*, today: dt.date | None = None) -> list[Service]:
    """The 46 demo services; on the first load, ~600 firms supported a year and a few requests."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    with transaction.atomic():
        services = _services(today)
        providers = {s.provider_id for s in services}
        if services and not Engagement.objects.filter(provider_id__in=providers).exists():
            firms = _firms(rng)
            if firms:
                Engagement.objects.bulk_create(_engagements(rng, services, firms, today), batch_size=2000)
                _requests(rng, services, firms, timezone.now())
    indexing.reindex_services([s.pk for s in services])
    return services
