"""Demo governance, part two: Nouvelle-Aquitaine's consultative body on its digital strategy
(seed 002).

"A l'image du Conseil National du Numérique, la Région Nouvelle-Aquitaine se dotera d'une
instance de gouvernance régionale mobilisant une vingtaine de membres, acteurs de l'écosystème
numérique : entrepreneurs, représentants de clusters, de structures d'accompagnement,
d'organismes de formations et du monde académique. Cette instance consultative participera au
suivi de la stratégie numérique régionale […]."

So: a consultative body of the Region (the Region's staff run it, as the board of its owner),
twenty seats, four per kind of actor, each a person of an organisation of Nouvelle-Aquitaine in
the directory demo (those the seed names first: Cdiscount, Magelis, the Cité numérique, the
École régionale du numérique, the ENJMIN; an illustrative one is added where the directory has
too few); its installation meeting, convened, with its attendance sheet (present, proxies,
absent) and minutes. People are fictitious. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from filiere.accounts.models import Membership as AccountMembership
from filiere.accounts.models import Role, User
from filiere.governance.models import Attendance, Body, BodyKind, Meeting, Seat
from filiere.organisations import services as organisation_services
from filiere.organisations.models import Kind, Organisation, Source

REGION = "Région Nouvelle-Aquitaine"
BODY = "Instance consultative du numérique de Nouvelle-Aquitaine"
DOMAIN = "demo.filiere.invalid"
DEMO_PASSWORD = "instance-demo-2026"
PRESIDENT = "cnum-presidence"
SEATS_PER_GROUP = 4
#: Per kind of actor the seed names: the role on the seat, the kinds of organisation, the
#: organisations taken first (the seed's, then the French Tech communities for support), and
#: illustrative ones (name, kind, city, four each) where the directory has too few in the region.
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, str], ...]], ...] = (
    ("Entrepreneur", (Kind.COMPANY,), ("Cdiscount",), (
            ("Studio de jeu vidéo d'Angoulême (démo)", Kind.COMPANY, "Angoulême"),
            ("Éditeur de logiciels libres de Pau (démo)", Kind.COMPANY, "Pau"),
            ("Start-up e-santé de Poitiers (démo)", Kind.COMPANY, "Poitiers"),
            ("Commerce connecté de Bordeaux (démo)", Kind.COMPANY, "Bordeaux"),
        )),
    (
        "Représentant d'un cluster", (Kind.CLUSTER,), ("Magelis",),
        (
            ("Cluster e-santé de Nouvelle-Aquitaine (démo)", Kind.CLUSTER, "Poitiers"),
            ("Cluster cybersécurité de Nouvelle-Aquitaine (démo)", Kind.CLUSTER, "Limoges"),
            ("Grappe logiciel libre de Nouvelle-Aquitaine (démo)", Kind.CLUSTER, "Pau"),
            ("Cluster des transports intelligents de Nouvelle-Aquitaine (démo)", Kind.CLUSTER, "Bordeaux"),
        ),
    ),
    (
        "Structure d'accompagnement", (Kind.INCUBATOR, Kind.TECHNOPOLE, Kind.THIRD_PLACE, Kind.COMMUNITY),
        ("Cité numérique", "French Tech Bordeaux", "French Tech Pays Basque", "French Tech Poitou-Charentes"),
        (
            ("Technopole du numérique de Poitiers (démo)", Kind.TECHNOPOLE, "Poitiers"),
            ("Incubateur numérique de Limoges (démo)", Kind.INCUBATOR, "Limoges"),
            ("Tiers-lieu numérique de Mont-de-Marsan (démo)", Kind.THIRD_PLACE, "Mont-de-Marsan"),
            ("Accélérateur de start-up de Bordeaux (démo)", Kind.INCUBATOR, "Bordeaux"),
        ),
    ),
    (
        "Organisme de formation", (Kind.TRAINING_BODY,), ("École régionale du numérique",),
        (
            ("École du code de Limoges (démo)", Kind.TRAINING_BODY, "Limoges"),
            ("Centre de formation aux métiers du numérique de Pau (démo)", Kind.TRAINING_BODY, "Pau"),
            ("Formation continue numérique de La Rochelle (démo)", Kind.TRAINING_BODY, "La Rochelle"),
            ("Organisme de formation au numérique de Niort (démo)", Kind.TRAINING_BODY, "Niort"),
        ),
    ),
    (
        "Monde académique", (Kind.SCHOOL, Kind.LAB), ("ENJMIN",),
        (
            ("Laboratoire IA et robotique de Bordeaux (démo)", Kind.LAB, "Bordeaux"),
            ("Laboratoire de cybersécurité de Limoges (démo)", Kind.LAB, "Limoges"),
            ("École d'ingénieurs du numérique de Pau (démo)", Kind.SCHOOL, "Pau"),
            ("Laboratoire EdTech de Poitiers (démo)", Kind.LAB, "Poitiers"),
        ),
    ),
)  # fmt: skip
PEOPLE = (
    ("Claire", "Dubosc"), ("Marc", "Etcheverry"), ("Inès", "Laborde"), ("Julien", "Moreau"),
    ("Sophie", "Castaing"), ("Thomas", "Lacoste"), ("Amina", "Benali"), ("Pierre", "Duclos"),
    ("Léa", "Fournier"), ("Hugo", "Garrigue"), ("Nadia", "Roux"), ("Olivier", "Pujol"),
    ("Camille", "Lartigue"), ("Yann", "Le Goff"), ("Élodie", "Marchand"), ("Karim", "Haddad"),
    ("Anne", "Soulé"), ("Bruno", "Teyssier"), ("Manon", "Vidal"), ("Louis", "Arnaud"),
)  # fmt: skip
AGENDA = (
    "1. Installation de l'instance et désignation de sa présidence\n"
    "2. Suivi de la feuille de route de soutien à l'économie numérique : les quatre ambitions et "
    "les douze objectifs\n"
    "3. Regard numérique sur les politiques régionales : transition numérique de la société, de "
    "l'économie, des organisations, de l'action publique et des territoires\n"
    "4. Programme de travail du think tank : une vision humaniste du numérique"
)
MINUTES = (
    "L'instance est installée ; sa présidence est confiée à Claire Dubosc. Elle examine le "
    "tableau de suivi des actions de la feuille de route et retient deux sujets pour l'année : "
    "l'accès au numérique des populations qui en sont le plus éloignées, et la place des quatre "
    "secteurs d'excellence (image et jeu vidéo, IA et robotique, logiciel libre, cybersécurité) "
    "dans la stratégie régionale."
)
MEETING_AT = dt.datetime(2026, 10, 8, 12, 0, tzinfo=dt.UTC)  # 14:00 in Bordeaux


def _organisations(
    kinds: tuple[str, ...], first: tuple[str, ...], illustrative: tuple[tuple[str, str, str], ...]
) -> list[Organisation]:
    """Four organisations of Nouvelle-Aquitaine of these kinds: those named first, then the
    directory's others, then illustrative ones (created once, by name)."""
    in_region = Organisation.objects.filter(kind__in=kinds, establishments__region_code="75").distinct()
    named = {o.name: o for o in in_region.filter(name__in=first)}
    chosen = [named[name] for name in first if name in named]
    others = in_region.exclude(pk__in=[o.pk for o in chosen]).exclude(name__endswith="(démo)")
    if Kind.COMMUNITY in kinds:  # the French Tech communities, not the gamers' LAN party
        others = others.filter(Q(name__startswith="French Tech") | ~Q(kind=Kind.COMMUNITY))
    chosen += list(others.order_by("pk")[:SEATS_PER_GROUP])
    for name, kind, city in illustrative:
        if len(chosen) >= SEATS_PER_GROUP:
            break
        chosen.append(
            Organisation.objects.filter(name=name).first()
            or organisation_services.create_organisation(
                name=name,
                kind=kind,
                source=Source.MANUAL,
                is_generated=True,
                head_office={"city": city, "region_code": "75", "is_digital": False},
            )  # fmt: skip
        )
    return chosen[:SEATS_PER_GROUP]


def _person(index: int, organisation: Organisation) -> User:
    first, last = PEOPLE[index]
    username = PRESIDENT if index == 0 else f"cnum-{index:02d}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@{DOMAIN}", first_name=first, last_name=last)
        user.set_password(DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(9))
        user.save()
    AccountMembership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.MEMBER}
    )
    return user


def load_council_demo() -> Body | None:
    """The consultative body, its twenty seats and its installation meeting; idempotent."""
    region = Organisation.objects.filter(name=REGION, kind=Kind.PUBLIC_BODY).first()
    if region is None:
        return None  # the directory demo is not loaded
    existing = Body.objects.filter(cluster=region, name=BODY).first()
    if existing is not None:
        _name_organisations(existing)  # a demo loaded before seats named their organisation
        return existing
    with transaction.atomic():
        body = Body.objects.create(
            cluster=region, kind=BodyKind.CONSULTATIVE, name=BODY, quorum=Decimal("0.5"), max_proxies=1
        )
        seats = []
        for group, (role, kinds, first, illustrative) in enumerate(GROUPS):
            for offset, organisation in enumerate(_organisations(kinds, first, illustrative)):
                index = group * SEATS_PER_GROUP + offset
                seat_role = f"Présidente — {role.lower()}" if index == 0 else role
                seats.append(
                    Seat.objects.create(
                        body=body,
                        user=_person(index, organisation),
                        organisation=organisation,
                        role=seat_role,
                    )  # fmt: skip
                )
        meeting = Meeting.objects.create(
            body=body, starts_at=MEETING_AT, place="Bordeaux, Hôtel de Région", agenda=AGENDA,
            convened_at=MEETING_AT - dt.timedelta(days=21), minutes=MINUTES,
            minutes_published_at=MEETING_AT + dt.timedelta(days=7),
        )  # fmt: skip
        # Thirteen present, three represented (one proxy each, the body's cap), four absent:
        # sixteen of twenty, over the quorum of ten.
        present = {seat.pk for seat in seats[:13]}
        proxies = {seats[13 + i].pk: seats[i].pk for i in range(3)}
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting, seat=seat, present=seat.pk in present, proxy_to_id=proxies.get(seat.pk)
            )
            for seat in seats
        )
    return body


def _name_organisations(body: Body) -> None:
    """Each seat represents the organisation its person was created for (their only one)."""
    for seat in body.seats.filter(organisation__isnull=True):
        first = AccountMembership.objects.filter(user_id=seat.user_id).order_by("pk").first()
        if first is not None:
            seat.organisation_id = first.organisation_id
            seat.save(update_fields=["organisation"])
    body.meetings.filter(minutes_published_at__isnull=True).exclude(minutes="").update(
        minutes_published_at=MEETING_AT + dt.timedelta(days=7)
    )


def demo_accounts() -> list[tuple[str, str, str]]:
    """The consultative body's president (a seat holder: reads its meetings, changes nothing)."""
    return [
        (PRESIDENT, DEMO_PASSWORD, "présidente de l'instance consultative du numérique (Nouvelle-Aquitaine)")
    ]
