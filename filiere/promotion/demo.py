"""Demo region pages: Nouvelle-Aquitaine (seed 002) and Occitanie (seed 004), French and English.

Nouvelle-Aquitaine's roadmap wants to "accélérer l'émergence de quatre secteurs d'excellence …
image/jeu vidéo, IA/robotique, logiciels libres et cybersécurité" and to make digital
occupations known to young people against stereotypes; Occitanie's territorial-marketing officer
pitches Toulouse's know-how "vers des secteurs tels que le ferroviaire, le véhicule autonome …, la
santé, le retail ou les fintech". The texts quote or paraphrase the seeds; leading firms are
companies of the directory demo in the region whose NAF activity fits the sector (illustrative
picks, the first by name); the portraits are invented people (marked as demo in their text).

Every entry goes through the real workflow: written and submitted by the region's demo editor,
published by its demo reviewer. Loading twice changes nothing (an entry whose published version
already equals the spec is left alone); it takes well under a second once the directory is there.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction

from filiere.accounts.models import RegionalRole, User
from filiere.organisations.models import Kind, Organisation, State
from filiere.territories.models import Region

from . import services
from .models import PUBLISHED_FIELDS, Entry, EntryKind, Prospect

DEMO_PASSWORD = "promotion-demo-2026"
#: (username, region code, description): an editor and a reviewer per demo region.
DEMO_USERS = (
    ("region-na", "75", "chargée de mission numérique, Région Nouvelle-Aquitaine (rédige)"),
    ("region-na-relecture", "75", "délégation numérique, Région Nouvelle-Aquitaine (relit et publie)"),
    ("marketing-occitanie", "76", "chargé de mission marketing territorial, Occitanie (rédige)"),
    ("region-occitanie-relecture", "76", "Région Occitanie (relit et publie)"),
)

# (slug, NAF codes preferred for leading firms, fields)
NA_EXCELLENCE: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    (
        "image-jeu-video",
        ("58.21Z", "59.11B", "62.01Z"),
        {
            "title_fr": "Image et jeu vidéo",
            "title_en": "Image and video games",
            "summary_fr": "Bordeaux et Angoulême, places fortes de l'image et du jeu vidéo français : studios "
            "leaders et indépendants, le pôle image Magelis, l'ENJMIN, la Gamers Assembly.",
            "summary_en": "Bordeaux and Angoulême are strongholds of French imaging and video games: leading "
            "and independent studios, the Magelis image cluster, the ENJMIN school, the Gamers Assembly.",
            "occupation_code": "M1831",
        },
    ),
    (
        "ia-robotique",
        ("62.01Z", "72.19Z", "62.02A"),
        {
            "title_fr": "Intelligence artificielle et robotique",
            "title_en": "Artificial intelligence and robotics",
            "summary_fr": "Une dynamique régionale autour de la robotique collaborative, tirée par le programme "
            "Usine du Futur et une recherche académique reconnue sur tout le territoire.",
            "summary_en": "A regional drive around collaborative robotics, led by the Factory of the Future "
            "programme and renowned academic research across the region.",
            "occupation_code": "M1889",
        },
    ),
    (
        "logiciel-libre",
        ("58.29C", "62.01Z", "62.02A"),
        {
            "title_fr": "Logiciel libre",
            "title_en": "Free and open-source software",
            "summary_fr": "Sensibilisation précoce des universitaires et offre de services pour l'émergence et "
            "l'accompagnement des entreprises du libre sur tout le territoire.",
            "summary_en": "Early awareness in universities and services that help open-source companies "
            "start and grow across the whole region.",
            "occupation_code": "M1805",
        },
    ),
    (
        "cybersecurite",
        ("62.02A", "62.03Z", "63.11Z"),
        {
            "title_fr": "Cybersécurité",
            "title_en": "Cybersecurity",
            "summary_fr": "De nombreux acteurs régionaux collaborent pour faire du territoire un pôle d'expertise "
            "au service de la compétitivité et de la transformation numérique.",
            "summary_en": "Many regional players work together to make the region a pool of expertise serving "
            "the competitiveness and digital transformation of its economy.",
            "occupation_code": "M1866",
        },
    ),
)

NA_OTHERS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        EntryKind.INTRO,
        "presentation",
        {
            "title_fr": "Une région qui rayonne et qui attire par le numérique",
            "title_en": "A region that shines and attracts through digital technology",
            "summary_fr": "60 000 personnes dans 21 000 établissements, une trentaine de structures de recherche, "
            "plus de 130 formations et une vingtaine de clusters dédiés au numérique.",
            "summary_en": "60,000 people in 21,000 establishments, some thirty research centres, more than "
            "130 courses and some twenty digital clusters.",
        },
    ),
    (
        EntryKind.STORY,
        "ces-las-vegas",
        {
            "title_fr": "Une délégation régionale en force au CES de Las Vegas",
            "title_en": "A strong regional delegation at CES Las Vegas",
            "summary_fr": "En 2017 et 2018, des entreprises néo-aquitaines ont présenté leurs innovations au CES, "
            "avec le programme régional d'actions collectives à l'international.",
            "summary_en": "In 2017 and 2018, firms from Nouvelle-Aquitaine showed their innovations at CES, "
            "with the region's collective international programme.",
        },
    ),
    (
        EntryKind.CONTACT,
        "delegation-numerique",
        {
            "title_fr": "Délégation numérique de la Région Nouvelle-Aquitaine",
            "title_en": "Digital delegation, Nouvelle-Aquitaine Region",
            "summary_fr": "Pilote la feuille de route de soutien à l'économie numérique.",
            "summary_en": "Runs the regional roadmap supporting the digital economy.",
            "email": "numerique@demo.filiere.invalid",
        },
    ),
    (
        EntryKind.PORTRAIT,
        "portrait-developpeuse",
        {
            "title_fr": "Inès, développeuse à Bordeaux (portrait de démonstration)",
            "title_en": "Inès, software developer in Bordeaux (demo portrait)",
            "summary_fr": "« Au lycée, je pensais que l'informatique n'était pas pour moi. Aujourd'hui je conçois "
            "des applications utilisées par des milliers de personnes. »",
            "summary_en": "\u201cIn high school I thought computing was not for me. Today I design apps used by "
            "thousands of people.\u201d",
            "occupation_code": "M1805",
        },
    ),
    (
        EntryKind.PORTRAIT,
        "portrait-pentesteuse",
        {
            "title_fr": "Maëlle, pentesteuse à Poitiers (portrait de démonstration)",
            "title_en": "Maëlle, penetration tester in Poitiers (demo portrait)",
            "summary_fr": "« Mon métier : attaquer les systèmes de mes clients, avec leur accord, avant que "
            "d'autres ne le fassent. »",
            "summary_en": "\u201cMy job: attack my clients' systems, with their consent, before others do.\u201d",
            "occupation_code": "M1866",
        },
    ),
)

# Occitanie: (buyer sector code, fields).
OCC_PITCHES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "rail",
        {
            "title_fr": "Ferroviaire : l'ingénierie aéronautique au service du rail",
            "title_en": "Rail: aerospace engineering for railways",
            "summary_fr": "Systèmes embarqués critiques, sûreté de fonctionnement, maintenance prédictive : des "
            "savoir-faire éprouvés dans l'aéronautique, transférables au matériel roulant et à la signalisation.",
            "summary_en": "Safety-critical embedded systems, dependability, predictive maintenance: skills "
            "proven in aerospace, ready for rolling stock and signalling.",
        },
    ),
    (
        "autonomous_vehicle",
        {
            "title_fr": "Véhicule autonome terrestre et maritime",
            "title_en": "Autonomous land and sea vehicles",
            "summary_fr": "Fusion de capteurs, vision, logiciels temps réel et certification : l'expertise "
            "toulousaine du pilote automatique appliquée aux véhicules autonomes.",
            "summary_en": "Sensor fusion, computer vision, real-time software and certification: Toulouse's "
            "autopilot expertise applied to autonomous vehicles.",
        },
    ),
    (
        "health",
        {
            "title_fr": "Santé : données et logiciels de confiance",
            "title_en": "Health: trusted data and software",
            "summary_fr": "Traitement de la donnée, apprentissage automatique et logiciels qualifiés pour les "
            "hôpitaux, les laboratoires et les dispositifs médicaux.",
            "summary_en": "Data processing, machine learning and qualified software for hospitals, "
            "laboratories and medical devices.",
        },
    ),
    (
        "retail",
        {
            "title_fr": "Retail : la donnée au service du commerce",
            "title_en": "Retail: data for commerce",
            "summary_fr": "Prévision de la demande, optimisation logistique et gestion de projets complexes, "
            "issues de la chaîne d'approvisionnement aéronautique.",
            "summary_en": "Demand forecasting, logistics optimisation and complex project management, learnt "
            "in the aerospace supply chain.",
        },
    ),
    (
        "finance",
        {
            "title_fr": "Fintech : calcul, sécurité et conformité",
            "title_en": "Fintech: computing, security and compliance",
            "summary_fr": "Calcul haute performance, cybersécurité et exigence de conformité : des équipes "
            "habituées aux normes les plus strictes.",
            "summary_en": "High-performance computing, cybersecurity and compliance: teams used to the "
            "strictest standards.",
        },
    ),
)

OCC_OTHERS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        EntryKind.INTRO,
        "presentation",
        {
            "title_fr": "Occitanie : des savoir-faire numériques au-delà de l'aéronautique",
            "title_en": "Occitanie: digital know-how beyond aerospace",
            "summary_fr": "Traitement de la donnée, machine learning, ingénierie, management de projets : "
            "45 000 emplois du numérique dont les compétences se transfèrent vers d'autres secteurs.",
            "summary_en": "Data processing, machine learning, engineering, project management: 45,000 digital "
            "jobs whose skills transfer to other industries.",
        },
    ),
    (
        EntryKind.CONTACT,
        "marketing-territorial",
        {
            "title_fr": "Chargé de mission marketing territorial (cluster Digital 113)",
            "title_en": "Territorial marketing officer (Digital 113 cluster)",
            "summary_fr": "Votre interlocuteur pour trouver une entreprise numérique d'Occitanie.",
            "summary_en": "Your contact to find a digital company in Occitanie.",
            "email": "marketing@demo.filiere.invalid",
        },
    ),
)


# Occitanie's prospecting (seed 004: "des premières actions de prospection sont engagées en
# direction de secteurs applicatifs hors aéronautique et de zones géographiques, en France, comme
# à l'international"): illustrative targets, (name, country, sector, action kind, month, note).
OCC_PROSPECTS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("Opérateur ferroviaire (démo)", "DE", "rail", "fair", 9, "InnoTrans, Berlin"),
    ("Constructeur de navettes autonomes (démo)", "FR", "autonomous_vehicle", "call", 3, ""),
    ("Groupe hospitalier (démo)", "ES", "health", "mission", 5, "Mission Région à Barcelone"),
    ("Enseigne de distribution (démo)", "FR", "retail", "meeting", 6, ""),
    ("Néobanque (démo)", "CA", "finance", "mission", 10, "Mission au Québec avec la Team France Export"),
)


def _prospects(editor: User) -> int:
    written = 0
    for name, country, sector, kind, month, note in OCC_PROSPECTS:
        prospect = Prospect.objects.filter(region_id="76", name=name).first()
        if prospect is not None:
            continue
        prospect = services.save_prospect(
            by=editor, region_code="76", name=name, country=country, buyer_sector=sector
        )
        services.record_action(
            by=editor, prospect=prospect, kind=kind, date=dt.date(2026, month, 15), note=note
        )
        written += 1
    return written


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, description) of the demo region staff (development site's list)."""
    return [(username, DEMO_PASSWORD, label) for username, _code, label in DEMO_USERS]


def _users() -> dict[str, User]:
    users = {}
    for username, code, _label in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@demo.filiere.invalid")
            user.set_password(DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(9))
            user.save()
        RegionalRole.objects.get_or_create(user=user, region_id=code)
        users[username] = user
    return users


def _leading_firms(region_code: str, nafs: tuple[str, ...], limit: int = 3) -> list[Organisation]:
    firms: list[Organisation] = []
    for naf in nafs:
        found = (
            Organisation.objects.filter(
                kind=Kind.COMPANY,
                state=State.ACTIVE,
                is_diffusible=True,
                naf_code=naf,
                establishments__region_code=region_code,
            )
            .distinct()
            .order_by("name")
        )
        for firm in found[: limit - len(firms)]:
            if firm not in firms:
                firms.append(firm)
        if len(firms) >= limit:
            break
    return firms


def _ensure(
    *,
    region: str,
    kind: str,
    slug: str,
    fields: dict[str, str],
    order: int,
    firms: list[Organisation],
    editor: User,
    reviewer: User,
) -> bool:
    """Create, submit and publish the entry unless its published version already matches."""
    entry = Entry.objects.filter(region_id=region, kind=kind, slug=slug).first()
    wanted: dict[str, Any] = {name: fields.get(name, "") for name in PUBLISHED_FIELDS}
    wanted["organisation_ids"] = sorted(f.pk for f in firms)
    if entry is not None and entry.published == wanted and entry.order == order:
        return False
    values = {name: fields.get(name, "") for name in PUBLISHED_FIELDS if name != "title_fr"}
    entry = services.save_entry(
        by=editor,
        region_code=region,
        kind=kind,
        entry=entry,
        title_fr=fields["title_fr"],
        organisations=firms,
        order=order,
        **values,
    )
    if entry.slug != slug:
        entry.slug = slug
        entry.save(update_fields=["slug"])
    services.submit_entry(entry=entry, by=editor)
    services.publish_entry(entry=entry, by=reviewer)
    return True


def load_promotion_demo() -> int:
    """The demo entries of Nouvelle-Aquitaine and Occitanie; returns how many were (re)published."""
    present = set(Region.objects.filter(code__in=("75", "76")).values_list("code", flat=True))
    if not present:
        return 0
    written = 0
    with transaction.atomic():
        users = _users()
        if "75" in present:
            na = {"editor": users["region-na"], "reviewer": users["region-na-relecture"]}
            for order, (slug, nafs, fields) in enumerate(NA_EXCELLENCE):
                firms = _leading_firms("75", nafs)
                written += _ensure(
                    region="75",
                    kind=EntryKind.EXCELLENCE,
                    slug=slug,
                    fields=fields,
                    order=order,
                    firms=firms,
                    **na,
                )
            for order, (kind, slug, fields) in enumerate(NA_OTHERS):
                written += _ensure(
                    region="75", kind=kind, slug=slug, fields=fields, order=order, firms=[], **na
                )
        if "76" in present:
            occ = {"editor": users["marketing-occitanie"], "reviewer": users["region-occitanie-relecture"]}
            for order, (sector, fields) in enumerate(OCC_PITCHES):
                written += _ensure(
                    region="76",
                    kind=EntryKind.PITCH,
                    slug=sector.replace("_", "-"),
                    fields={**fields, "buyer_sector": sector},
                    order=order,
                    firms=[],
                    **occ,
                )
            for order, (kind, slug, fields) in enumerate(OCC_OTHERS):
                written += _ensure(
                    region="76", kind=kind, slug=slug, fields=fields, order=order, firms=[], **occ
                )
            written += _prospects(users["marketing-occitanie"])
    return written
