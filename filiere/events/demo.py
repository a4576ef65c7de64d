"""Demo events: the Bourgogne-Franche-Comté network's programme (seed 000) for 2025 and 2026.

"Le réseau … déploie un programme très dense de plus de 50 évènements et opérations de
communication/formation à destination des TPE/PME, comme la journée Conext Days de Nicéphore
Cité", and "une présence collective … sur des évènements internationaux (CES Las Vegas, Vivatech
Paris…)". The organisers are the seed's actors of the directory demo (BFC numérique, Nicéphore
Cité, Numérica, Inkub, CCI BFC); each year gets 54 events (Conext Days, workshops, training
sessions, webinars, business meetings, communication operations) plus the collective delegations
to CES Las Vegas (January) and Vivatech (June), and early 2027 has a few open for registration.
Titles follow the seed's themes; dates, places, capacities and figures are illustrative (seeded
random, so reloading gives the same). Registrants are people of the region's digital companies of
the directory demo (real SIRENE companies first), with invented addresses
(…@demo.filiere.invalid); about three quarters of the confirmed came to past events.
Loading twice changes nothing; the whole load takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from filiere.accounts.models import Membership, Role, User
from filiere.organisations.models import Establishment, Kind, Organisation
from filiere.territories.models import Commune

from .models import Event, EventKind, Registration, RegistrationStatus
from .services import place_codes

SEED = 20261203
PARIS = ZoneInfo("Europe/Paris")
YEARS = (2025, 2026)
EVENTS_PER_YEAR = 54
PEOPLE = 400
FIRMS = 250
DEMO_DOMAIN = "demo.filiere.invalid"

ORGANISERS = {
    "BFC numérique": ("21231", "Dijon"),
    "Nicéphore Cité": ("71076", "Chalon-sur-Saône"),
    "Numérica": ("25388", "Montbéliard"),
    "Inkub": ("", ""),
    "CCI Bourgogne-Franche-Comté": ("25056", "Besançon"),
}
PARTNERS = ("Région Bourgogne-Franche-Comté", "CCI Bourgogne-Franche-Comté", "BFC numérique")
# (commune INSEE code, name) where the network's events take place.
PLACES = (
    ("21231", "Dijon"), ("25056", "Besançon"), ("71076", "Chalon-sur-Saône"), ("25388", "Montbéliard"),
    ("89024", "Auxerre"), ("90010", "Belfort"), ("58194", "Nevers"), ("70550", "Vesoul"),
    ("71270", "Mâcon"), ("39300", "Lons-le-Saunier"),
)  # fmt: skip
# (kind, title pattern, themes, capacity, share of the year's events)
PROGRAMME: tuple[tuple[str, str, tuple[str, ...], int, int], ...] = (
    (EventKind.WORKSHOP, "Atelier transformation numérique des PME industrielles", ("industrie du futur", "transformation numérique"), 25, 8),
    (EventKind.WORKSHOP, "Atelier cybersécurité : protéger son entreprise", ("cybersécurité",), 30, 6),
    (EventKind.WORKSHOP, "Atelier intelligence artificielle pour les TPE/PME", ("intelligence artificielle", "données"), 30, 6),
    (EventKind.TRAINING, "Formation : piloter un projet numérique", ("formation", "gestion de projet"), 15, 6),
    (EventKind.TRAINING, "Formation : usages numériques innovants", ("usages innovants", "formation"), 15, 4),
    (EventKind.WEBINAR, "Webinaire : financer sa transformation numérique", ("financement", "transformation numérique"), 200, 8),
    (EventKind.WEBINAR, "Webinaire : les femmes dans les métiers du numérique", ("féminisation", "emploi"), 200, 3),
    (EventKind.NETWORKING, "Rencontre d'affaires numérique et industrie", ("industrie du futur", "affaires"), 60, 5),
    (EventKind.NETWORKING, "Apéro French Tech Bourgogne-Franche-Comté", ("French Tech", "start-up"), 80, 3),
    (EventKind.COMMUNICATION, "Petit-déjeuner du réseau BFC numérique", ("réseau", "services aux entreprises"), 40, 4),
)  # fmt: skip
FIRST = ("Camille", "Julien", "Sophie", "Thomas", "Claire", "Nicolas", "Léa", "Antoine", "Manon",
         "Hugo", "Chloé", "Mathieu", "Inès", "Romain", "Sarah", "Pierre", "Emma", "Lucas")  # fmt: skip
LAST = ("Martin", "Bernard", "Petit", "Durand", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre",
        "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Mathieu")  # fmt: skip


@dataclass
class Spec:
    organiser: str
    title: str
    kind: str
    starts_at: dt.datetime
    hours: int
    place: tuple[str, str] | None  # (commune code, label)
    online: bool
    capacity: int
    themes: tuple[str, ...]
    audience: str = "Dirigeants et salariés des TPE/PME"
    venue: str = ""
    partners: tuple[str, ...] = ()
    description: str = ""


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def _weekday(rng: random.Random, year: int, month: int) -> dt.date:
    while True:
        day = dt.date(year, month, rng.randint(1, 28))
        if day.weekday() < 5:
            return day


def _specs(rng: random.Random, year: int) -> list[Spec]:
    """One year of the network's programme: Conext Days, the two delegations, and the rest."""
    conext = dt.date(year, 10, 9 if year == 2025 else 8)
    specs = [
        Spec("Nicéphore Cité", f"Conext Days {year}", EventKind.CONFERENCE, _at(conext, 9), 9,
             ("71076", "Chalon-sur-Saône"), False, 250, ("industrie du futur", "transformation numérique"),
             venue="Nicéphore Cité", partners=PARTNERS,
             description="La journée de la transformation numérique des PME industrielles : conférences, "
             "démonstrations et rendez-vous d'affaires."),
        Spec("BFC numérique", f"Délégation Bourgogne-Franche-Comté au CES Las Vegas {year}", EventKind.DELEGATION,
             dt.datetime(year, 1, 7, 10, tzinfo=ZoneInfo("America/Los_Angeles")), 72, None, False, 20,
             ("export", "start-up", "French Tech"), audience="Start-up et PME innovantes de la région",
             venue="Las Vegas Convention Center, Las Vegas (États-Unis)", partners=PARTNERS,
             description="Présence collective de l'écosystème régional sur le salon : stand partagé, "
             "préparation des rendez-vous, communication commune."),
        Spec("BFC numérique", f"Délégation Bourgogne-Franche-Comté à Vivatech {year}", EventKind.DELEGATION,
             _at(dt.date(year, 6, 11 if year == 2025 else 17), 9), 56, ("75056", "Paris"), False, 25,
             ("export", "start-up", "French Tech"), audience="Start-up et PME innovantes de la région",
             venue="Paris Expo Porte de Versailles", partners=PARTNERS,
             description="Stand régional partagé et programme de rendez-vous avec les grands comptes."),
    ]  # fmt: skip
    organisers = [name for name in ORGANISERS if name != "CCI Bourgogne-Franche-Comté"]
    count = 0
    while count < EVENTS_PER_YEAR - 1:  # Conext Days counts in the year's 54
        for kind, title, themes, capacity, share in PROGRAMME:
            for _ in range(share):
                if count >= EVENTS_PER_YEAR - 1:
                    break
                month = rng.choice((1, 2, 3, 3, 4, 5, 5, 6, 6, 9, 9, 10, 10, 11, 11, 12))
                day = _weekday(rng, year, month)
                online = kind == EventKind.WEBINAR
                place = None if online else rng.choice(PLACES)
                organiser = rng.choice(organisers)
                label = place[1] if place else ""
                name = f"{title} — {label}" if label else title
                specs.append(
                    Spec(
                        organiser,
                        f"{name} ({day:%d/%m/%Y})",
                        kind,
                        _at(day, rng.choice((9, 10, 14, 17))),
                        2 if online else rng.choice((2, 3, 4)),
                        place,
                        online,
                        capacity,
                        themes,
                        venue=f"Salle du réseau, {label}" if place else "",
                    )  # fmt: skip
                )
                count += 1
    return specs


def _upcoming(rng: random.Random) -> list[Spec]:
    """Early 2027: the CES delegation and a few events open for registration."""
    return [
        Spec("BFC numérique", "Délégation Bourgogne-Franche-Comté au CES Las Vegas 2027", EventKind.DELEGATION,
             dt.datetime(2027, 1, 6, 10, tzinfo=ZoneInfo("America/Los_Angeles")), 72, None, False, 20,
             ("export", "start-up", "French Tech"), audience="Start-up et PME innovantes de la région",
             venue="Las Vegas Convention Center, Las Vegas (États-Unis)", partners=PARTNERS),
        Spec("Nicéphore Cité", "Atelier transformation numérique des PME industrielles — Chalon-sur-Saône (21/01/2027)",
             EventKind.WORKSHOP, _at(dt.date(2027, 1, 21), 9), 3, ("71076", "Chalon-sur-Saône"), False, 25,
             ("industrie du futur", "transformation numérique"), venue="Nicéphore Cité"),
        Spec("Numérica", "Webinaire : financer sa transformation numérique (28/01/2027)", EventKind.WEBINAR,
             _at(dt.date(2027, 1, 28), 14), 2, None, True, 200, ("financement", "transformation numérique")),
        Spec("BFC numérique", "Atelier cybersécurité : protéger son entreprise — Dijon (04/02/2027)",
             EventKind.WORKSHOP, _at(dt.date(2027, 2, 4), 9), 3, ("21231", "Dijon"), False, 12,
             ("cybersécurité",), venue="Salle du réseau, Dijon"),
    ]  # fmt: skip


def _organisations() -> dict[str, Organisation]:
    """The seed's organisers and partners, as the directory demo loaded them."""
    names = set(ORGANISERS) | set(PARTNERS)
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(org.name, org)
    return found


def _firms() -> list[Organisation]:
    """Digital companies of the region with a SIREN: real SIRENE ones first, then generated."""
    ids = (
        Establishment.objects.filter(
            region_code="27", is_digital=True, state="A", organisation__kind=Kind.COMPANY
        )
        .exclude(organisation__siren=None)
        .order_by("organisation__is_generated", "organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    chosen = list(dict.fromkeys(ids[: FIRMS * 3]))[:FIRMS]
    by_id = Organisation.objects.in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def _people(rng: random.Random, firms: list[Organisation]) -> list[tuple[User, Organisation]]:
    """Demo people of those firms (members), created once."""
    existing = {u.username: u for u in User.objects.filter(username__startswith="evt-demo-")}
    people: list[tuple[User, Organisation]] = []
    new_users: list[User] = []
    plan: list[tuple[str, Organisation]] = []
    for index in range(min(PEOPLE, len(firms) * 2)):
        firm = firms[index % len(firms)]
        username = f"evt-demo-{index:04d}"
        plan.append((username, firm))
        if username not in existing:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DEMO_DOMAIN}",
            )
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users)
    users = {u.username: u for u in User.objects.filter(username__startswith="evt-demo-")}
    members = set(
        Membership.objects.filter(user__in=users.values()).values_list("user_id", "organisation_id")
    )
    Membership.objects.bulk_create(
        [
            Membership(user=users[name], organisation=firm, role=Role.MEMBER)
            for name, firm in plan
            if (users[name].pk, firm.pk) not in members
        ]
    )
    people = [(users[name], firm) for name, firm in plan]
    return people


def _registrations(
    rng: random.Random, event: Event, people: list[tuple[User, Organisation]], now: dt.datetime
) -> list[Registration]:
    """Registrations in arrival order: confirmed up to capacity, then the waitlist; about 5 %
    cancelled; three quarters of the confirmed checked in once the event is over."""
    capacity = event.capacity or 0
    demand_by_kind: dict[str, float] = {
        EventKind.DELEGATION: 0.8,
        EventKind.CONFERENCE: 1.15,
        EventKind.WEBINAR: 0.45,
    }
    demand = demand_by_kind.get(event.kind, rng.uniform(0.6, 1.2))
    wanted = min(len(people), max(3, round(capacity * demand)))
    rows: list[Registration] = []
    confirmed = 0
    over = event.ends_at < now
    for sequence, (user, firm) in enumerate(rng.sample(people, wanted), start=1):
        created = event.starts_at - dt.timedelta(days=rng.randint(2, 40))
        row = Registration(event=event, user=user, organisation=firm, sequence=sequence)
        if rng.random() < 0.05:
            row.status, row.cancelled_at = RegistrationStatus.CANCELLED, created + dt.timedelta(days=1)
        elif confirmed < capacity:
            confirmed += 1
            row.status, row.confirmed_at = RegistrationStatus.CONFIRMED, created
            if over:
                row.reminded_at = event.starts_at - dt.timedelta(hours=20)
                if rng.random() < 0.76:
                    row.checked_in_at = event.starts_at + dt.timedelta(minutes=rng.randint(-20, 45))
        else:
            row.status = RegistrationStatus.WAITLISTED
        rows.append(row)
    return rows


def load_events_demo(*, now: dt.datetime | None = None) -> list[Event]:
    """The network's events of 2025, 2026 and early 2027 with their registrations; idempotent
    (an event already there, same organiser, title and start, is left as it is). Returns them all."""
    now = now or timezone.now()
    organisations = _organisations()
    if not any(name in organisations for name in ORGANISERS):
        return []  # the directory demo is not loaded
    rng = random.Random(SEED)
    specs = [spec for year in YEARS for spec in _specs(rng, year)] + _upcoming(rng)
    specs = [spec for spec in specs if spec.organiser in organisations]
    existing = set(
        Event.objects.filter(organiser__in=organisations.values()).values_list("title", "starts_at")
    )
    communes = Commune.objects.in_bulk({s.place[0] for s in specs if s.place})
    firms = _firms()
    with transaction.atomic():
        people = _people(rng, firms) if firms else []
        registrations: list[Registration] = []
        for spec in specs:
            if (spec.title, spec.starts_at) in existing:
                continue
            organiser = organisations[spec.organiser]
            commune = communes.get(spec.place[0]) if spec.place else None
            region, department = place_codes(organiser, commune)
            event = Event.objects.create(
                organiser=organiser,
                title=spec.title,
                kind=spec.kind,
                description=spec.description,
                starts_at=spec.starts_at,
                ends_at=spec.starts_at + dt.timedelta(hours=spec.hours),
                commune=commune,
                venue=spec.venue or (spec.place[1] if spec.place and commune is None else ""),
                online_url=f"https://visio.{DEMO_DOMAIN}/{zlib.crc32(spec.title.encode()):08x}"
                if spec.online
                else "",
                region_code=region,
                department_code=department,
                capacity=spec.capacity,
                audience=spec.audience,
                themes=list(spec.themes),
                is_published=True,
            )
            partners = [organisations[p] for p in spec.partners if p in organisations and p != spec.organiser]
            if partners:
                event.partners.set(partners)
            if people:
                registrations += _registrations(rng, event, people, now)
        Registration.objects.bulk_create(registrations, batch_size=2000)
    # Every demo event, new or already there (`filiere demo` reports how many are up to date).
    titles = {spec.title for spec in specs}
    return list(Event.objects.filter(organiser__in=organisations.values(), title__in=titles))
