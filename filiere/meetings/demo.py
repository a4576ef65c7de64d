"""Demo B2B meetings from the seeds: the aircraft maker's speed dating (004) and a telemedicine
forum (001).

004 (Occitanie, 2020): "La première mesure engagée par notre cellule de crise a été de nous
rapprocher de l'état-major d'Airbus … Une dizaine de grandes ESN, parmi lesquelles Alten, Akka ou
CapGemini, mais aussi des PME régionales du numérique (U-Need ou LabSoft) ont participé à des
speed dating", to select collaborative R&D projects (decarbonised aircraft, industrial
performance). The demo holds that day in Toulouse on 8 October 2020, organised by Digital 113:
the aircraft maker's staff (buyers) meet ten ESN and SMEs (suppliers); requests, answers, the
schedule, attendance and ratings are illustrative (seeded random), the day is past and its
figures show.

001 (Grand Est): regional forums where demand (local authorities, the medical community) meets
the offer, starting with telemedicine. The demo plans a forum in Nancy in spring 2027 whose
requests are open and partly scheduled, not published.

Organisations the directory lacks are created flagged `is_generated` (`source_hash`
"meetings-demo-…"); people have invented addresses (…@demo.filiere.invalid). Loading twice
changes nothing: each row is found by its natural key first.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from filiere.accounts.models import Membership, Role, User
from filiere.events import selectors as events_selectors
from filiere.events import services as events_services
from filiere.organisations import services as organisation_services
from filiere.organisations.models import Kind, Organisation, Source

from . import scheduler, services
from .models import (
    Attendance,
    Meeting,
    MeetingRequest,
    Participant,
    Programme,
    ProgrammeStatus,
    RequestStatus,
)
from .needs.demo import load_needs_demo

PARIS = ZoneInfo("Europe/Paris")
DOMAIN = "demo.filiere.invalid"
SEED = 2020

# (name, kind, region, department, city, role in the day)
OCCITANIE = [
    ("Airbus", Kind.COMPANY, "76", "31", "Blagnac", "buyer"),
    ("Alten", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("Akka Technologies", Kind.COMPANY, "76", "31", "Blagnac", "supplier"),
    ("Capgemini", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("Sopra Steria", Kind.COMPANY, "76", "31", "Colomiers", "supplier"),
    ("Assystem", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("Expleo", Kind.COMPANY, "76", "31", "Blagnac", "supplier"),
    ("Segula Technologies", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("Atos", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("U-Need", Kind.COMPANY, "76", "31", "Toulouse", "supplier"),
    ("LabSoft", Kind.COMPANY, "76", "31", "Labège", "supplier"),
]
# The aircraft maker's staff: each buyer brings one R&D theme of the seed.
BUYERS = [
    ("Claire", "Avion décarboné : architecture électrique et hydrogène"),
    ("Marc", "Avion décarboné : allègement et simulation numérique"),
    ("Sophie", "Performance industrielle : jumeau numérique des lignes d'assemblage"),
    ("Julien", "Performance industrielle : données de production et maintenance prédictive"),
]
GRAND_EST = [
    ("CHRU de Nancy", Kind.PUBLIC_BODY, "44", "54", "Nancy", "buyer"),
    (
        "Communauté de communes du Pays de Colombey",
        Kind.PUBLIC_BODY,
        "44",
        "54",
        "Colombey-les-Belles",
        "buyer",
    ),
    ("Pharmagest Interactive", Kind.COMPANY, "44", "54", "Villers-lès-Nancy", "supplier"),
    ("Predimed Technology", Kind.COMPANY, "44", "67", "Strasbourg", "supplier"),
    ("Visiomed Santé Grand Est", Kind.COMPANY, "44", "57", "Metz", "supplier"),
    ("Télésanté Lorraine Solutions", Kind.COMPANY, "44", "54", "Nancy", "supplier"),
    ("E-Cardio Reims", Kind.COMPANY, "44", "51", "Reims", "supplier"),
    ("Dom'Assist Alsace", Kind.COMPANY, "44", "68", "Mulhouse", "supplier"),
]


def _organisation(name: str, kind: str, region: str, department: str, city: str) -> Organisation:
    found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None:
        return found
    slug = "".join(c for c in name.lower() if c.isalnum())[:16]  # source_hash: 32 characters
    return organisation_services.create_organisation(
        name=name, kind=kind, source=Source.MANUAL, is_generated=True, is_digital=kind == Kind.COMPANY,
        source_hash=f"meetings-demo-{slug}",
        head_office={"city": city, "department_code": department, "region_code": region, "is_digital": False},
    )  # fmt: skip


def _person(first: str, organisation: Organisation, role: str = Role.EDITOR) -> User:
    slug = "".join(c for c in organisation.name.lower() if c.isalnum())[:20]
    username = f"rdv-{first.lower()}-{slug}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, email=f"{username}@{DOMAIN}", first_name=first, last_name=organisation.name,
            password=None,
        )  # fmt: skip
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
    return user


def _event(
    organiser: Organisation, staff: User, title: str, starts: dt.datetime, venue: str, themes: list[str]
) -> Any:
    existing = events_selectors.events_organised_by(staff).filter(title=title).first()
    if existing is not None:
        return existing
    return events_services.create_event(
        by=staff, organiser=organiser, title=title, kind="networking", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=5), venue=venue, capacity=80, themes=themes, is_published=True,
    )  # fmt: skip


def _programme(event: Any, starts: dt.datetime, slots: int, tables: int) -> Programme:
    programme = Programme.objects.filter(event=event).first()
    if programme is None:
        programme = Programme.objects.create(
            event=event, first_slot_at=starts + dt.timedelta(minutes=30), slot_minutes=20, slots=slots,
            tables=tables, requests_close_at=starts - dt.timedelta(days=2),
        )  # fmt: skip
    return programme


def _participant(
    programme: Programme, user: User, organisation: Organisation, role: str, text: str
) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        programme=programme,
        user=user,
        defaults={"organisation": organisation, "role": role, "presentation": text},
    )
    return participant


def _request(
    programme: Programme, sender: Participant, recipient: Participant, reason: str, status: str
) -> None:
    if MeetingRequest.objects.filter(
        programme=programme, sender__in=[sender, recipient], recipient__in=[sender, recipient]
    ).exists():
        return
    MeetingRequest.objects.create(
        programme=programme, sender=sender, recipient=recipient, reason=reason, status=status,
        answered_at=programme.requests_close_at if status != RequestStatus.PENDING else None,
    )  # fmt: skip


def _schedule(programme: Programme) -> None:
    """Place the accepted requests once (the scheduler, as the organiser's task does)."""
    if Meeting.objects.filter(request__programme=programme).exists():
        return
    instance, requests = services.instance_of(programme)
    result = scheduler.schedule(instance, time_limit=5.0)
    for rid, placement in result.meetings.items():
        Meeting.objects.create(request=requests[rid], slot=placement.slot, table=placement.table)
    programme.placed = len(result.meetings)
    programme.upper_bound = result.upper_bound
    programme.unscheduled = len(result.unscheduled)
    programme.run_seconds = round(result.seconds, 3)
    programme.ran_at = programme.requests_close_at
    programme.status = ProgrammeStatus.SCHEDULED
    programme.save()


def _speed_dating(rng: random.Random) -> Programme | None:
    organiser = Organisation.objects.filter(name="Digital 113").order_by("pk").first()
    if organiser is None:
        return None
    staff = _person("Frédéric", organiser)
    starts = dt.datetime(2020, 10, 8, 9, 0, tzinfo=PARIS)
    event = _event(
        organiser, staff, "Speed dating R&D : l'avionneur et les ESN d'Occitanie", starts,
        "Toulouse, Cité de l'espace", ["aéronautique", "R&D collaborative", "avion décarboné"],
    )  # fmt: skip
    programme = _programme(event, starts, slots=10, tables=4)
    firms = {
        name: _organisation(name, kind, region, dep, city) for name, kind, region, dep, city, _r in OCCITANIE
    }
    buyers = [
        _participant(programme, _person(first, firms["Airbus"]), firms["Airbus"], "buyer", theme)
        for first, theme in BUYERS
    ]
    suppliers = []
    for name, _k, _r, _d, _c, role in OCCITANIE:
        if role == "supplier":
            person = _person("Direction", firms[name])
            suppliers.append(
                _participant(
                    programme,
                    person,
                    firms[name],
                    "supplier",
                    "Projets R&D cofinancés, ingénieurs en intercontrat",
                )
            )
    for supplier in suppliers:
        for buyer in rng.sample(buyers, 3):
            status = RequestStatus.ACCEPTED if rng.random() < 0.8 else RequestStatus.DECLINED
            _request(
                programme, supplier, buyer, f"Proposition de projet : {buyer.presentation.lower()}", status
            )
    _schedule(programme)
    for meeting in Meeting.objects.filter(request__programme=programme, attendance=Attendance.PLANNED):
        if rng.random() < 0.1:
            meeting.attendance = Attendance.NO_SHOW
        else:
            meeting.attendance = Attendance.HELD
            meeting.sender_rating, meeting.recipient_rating = rng.randint(3, 5), rng.randint(2, 5)
        meeting.save()
    if programme.status != ProgrammeStatus.PUBLISHED:
        programme.status = ProgrammeStatus.PUBLISHED
        programme.save(update_fields=["status"])
    return programme


def _forum(rng: random.Random) -> Programme | None:
    organiser = Organisation.objects.filter(name="Région Grand Est").order_by("pk").first()
    if organiser is None:
        return None
    staff = _person("Nadia", organiser)
    starts = dt.datetime(2027, 4, 15, 9, 0, tzinfo=PARIS)
    event = _event(
        organiser, staff, "Forum offre et demande : la télémédecine en Grand Est", starts,
        "Nancy, Centre Prouvé", ["santé", "télémédecine"],
    )  # fmt: skip
    programme = _programme(event, starts, slots=8, tables=5)
    firms = {
        name: _organisation(name, kind, region, dep, city) for name, kind, region, dep, city, _r in GRAND_EST
    }
    buyers: list[Participant] = []
    suppliers: list[Participant] = []
    for name, _k, _r, _d, _c, role in GRAND_EST:
        text = (
            "Besoin : téléconsultation et télésurveillance pour les patients éloignés"
            if role == "buyer"
            else "Solution de télémédecine déployée en établissements et à domicile"
        )
        participant = _participant(programme, _person("Contact", firms[name]), firms[name], role, text)
        (buyers if role == "buyer" else suppliers).append(participant)
    for supplier in suppliers:
        for buyer in buyers:
            roll = rng.random()
            status = RequestStatus.ACCEPTED if roll < 0.6 else RequestStatus.PENDING
            _request(programme, supplier, buyer, "Présenter notre solution de télésuivi", status)
    _schedule(programme)
    return programme


def load_meetings_demo() -> dict[str, int]:
    """Create or keep the two demo days; returns their sizes (for `filiere demo`'s summary)."""
    rng = random.Random(SEED)
    with transaction.atomic():
        occitanie = _speed_dating(rng)
        grand_est = _forum(rng)
        needs = load_needs_demo()  # buyers' needs, on the same organisations and people
    return {
        "needs": needs["needs"],
        "programmes": sum(1 for p in (occitanie, grand_est) if p is not None),
        "meetings": Meeting.objects.filter(
            request__programme__in=[p for p in (occitanie, grand_est) if p]
        ).count(),
    }
