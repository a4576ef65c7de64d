"""Demo buyers' needs from the seeds, run after the B2B days (`meetings.demo`), whose
organisations and people it reuses.

004 (Occitanie, 2020): the aircraft maker's staff sought collaborative R&D projects the firms
would co-finance (decarbonised aircraft, industrial performance). The demo posts its
**confidential** R&D need "Avion décarboné" (October 2020), invited to the ESN and SMEs of the
speed dating: some answered (amounts and lead times illustrative), one declined, two were
shortlisted and one selected; the need is closed as awarded and its follow-up says the project
started.

001 (Grand Est): the medical community's demand for telemedicine. The CHRU de Nancy posts a
**public** need before the April 2027 forum, invited to the forum's telemedicine firms; two
answered so far, the others opened it or not yet.

Dates are fixed (a past need bypasses the services' "deadline to come" check, as an import
would); the match reasons are the themes each firm was invited on. Loading twice changes
nothing: a need is found by its buyer and title first.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from filiere.accounts.models import Membership, Role, User
from filiere.organisations.models import Organisation
from filiere.territories.models import Department, Region

from .models import BuyerNeed, InvitationSource, NeedInvitation, NeedKind, NeedOutcome, NeedStatus, PathStatus

PARIS = ZoneInfo("Europe/Paris")
DEMO_PASSWORD = "besoins-demo-2026"
# People of the B2B days' demo (`meetings.demo._person`) who sign in on the development site.
ACCOUNTS = [
    (
        "rdv-claire-airbus",
        "acheteuse de l'avionneur : besoin de R&D « Avion décarboné » (confidentiel, attribué)",
    ),
    ("rdv-direction-uneed", "U-Need : entreprise invitée puis retenue sur le besoin de l'avionneur"),
    ("rdv-contact-chrudenancy", "CHRU de Nancy : besoin public de télémédecine, réponses à comparer"),
]

# (firm, reasons, day opened, answer or None, amount, lead time, final step)
AIRCRAFT_PATHS = [
    (
        "U-Need",
        "hydrogène, architecture électrique",
        2,
        "Banc de simulation de la chaîne hydrogène, 3 ingénieurs",
        380_000,
        240,
        PathStatus.SELECTED,
    ),
    (
        "LabSoft",
        "simulation numérique, allègement",
        3,
        "Jumeau numérique des structures allégées",
        290_000,
        180,
        PathStatus.SHORTLISTED,
    ),
    (
        "Alten",
        "ingénierie des systèmes, avion décarboné",
        1,
        "Plateau d'ingénierie système de 12 personnes",
        1_200_000,
        365,
        PathStatus.ANSWERED,
    ),
    (
        "Capgemini",
        "simulation numérique, données",
        4,
        "Plateforme de données d'essais et simulation",
        950_000,
        300,
        PathStatus.ANSWERED,
    ),
    ("Akka Technologies", "hydrogène, ingénierie", 2, None, None, None, PathStatus.DECLINED),
    ("Sopra Steria", "données, ingénierie logicielle", None, None, None, None, PathStatus.NOTIFIED),
]
TELEMEDICINE_PATHS = [
    (
        "Pharmagest Interactive",
        "télémédecine, dossier patient",
        1,
        "Téléconsultation intégrée au dossier patient",
        180_000,
        120,
    ),
    (
        "Predimed Technology",
        "télésurveillance, données de santé",
        2,
        "Télésurveillance des insuffisants cardiaques",
        140_000,
        90,
    ),
    ("Télésanté Lorraine Solutions", "téléconsultation", 3, None, None, None),
    ("E-Cardio Reims", "télécardiologie", None, None, None, None),
]


def _editor(organisation: Organisation) -> Any:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=[Role.EDITOR, Role.ADMIN])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _need(organisation: Organisation, title: str, **fields: Any) -> BuyerNeed:
    found = BuyerNeed.objects.filter(organisation=organisation, title=title).first()
    if found is not None:
        return found
    return BuyerNeed.objects.create(organisation=organisation, title=title, **fields)


def _paths(need: BuyerNeed, rows: list[tuple[Any, ...]], start: dt.datetime) -> int:
    made = 0
    for name, reasons, opened_day, text, amount, delay, *final in rows:
        organisation = Organisation.objects.filter(name=name).order_by("pk").first()
        if (
            organisation is None
            or NeedInvitation.objects.filter(need=need, organisation=organisation).exists()
        ):
            continue
        person = _editor(organisation)
        step = (
            final[0]
            if final
            else (PathStatus.ANSWERED if text else PathStatus.OPENED if opened_day else PathStatus.NOTIFIED)
        )
        opened = start + dt.timedelta(days=opened_day) if opened_day is not None else None
        answered = opened + dt.timedelta(days=5) if text and opened else None
        NeedInvitation.objects.create(
            need=need, organisation=organisation, source=InvitationSource.INVITED, status=step,
            match_reasons=reasons, invited_by=need.created_by, notified_at=start,
            opened_at=opened, opened_by=person if opened else None,
            answered_at=answered, answered_by=person if answered else None, answer=text or "",
            amount=amount, delay_days=delay,
            declined_at=opened + dt.timedelta(days=1) if step == PathStatus.DECLINED and opened else None,
            decline_reason="Équipes hydrogène engagées ailleurs" if step == PathStatus.DECLINED else "",
            shortlisted_at=answered + dt.timedelta(days=10) if answered and step in (PathStatus.SHORTLISTED, PathStatus.SELECTED) else None,
            selected_at=answered + dt.timedelta(days=20) if answered and step == PathStatus.SELECTED else None,
        )  # fmt: skip
        made += 1
    return made


def load_needs_demo() -> dict[str, int]:
    """Create or keep the two demo needs and their paths; returns counts for `filiere demo`."""
    made = 0
    with transaction.atomic():
        airbus = Organisation.objects.filter(name="Airbus").order_by("pk").first()
        occitanie = Region.objects.filter(code="76").first()
        if airbus is not None and occitanie is not None:
            posted = dt.datetime(2020, 10, 12, 9, 0, tzinfo=PARIS)
            need = _need(
                airbus, "Avion décarboné : propulsion hydrogène et allègement",
                created_by=_editor(airbus), kind=NeedKind.RD,
                description=(
                    "Projets de R&D collaboratifs cofinancés avec les ESN et PME régionales : "
                    "architecture électrique et hydrogène, allègement des structures et simulation "
                    "numérique, pour l'avion décarboné."
                ),
                themes="hydrogène, simulation numérique, ingénierie des systèmes, allègement",
                budget_min=200_000, budget_max=1_500_000, deadline=dt.date(2020, 11, 30), region=occitanie,
                department=Department.objects.filter(code="31").first(), confidential=True,
                status=NeedStatus.CLOSED, published_at=posted, closed_at=dt.datetime(2021, 1, 15, 9, tzinfo=PARIS),
                outcome=NeedOutcome.AWARDED, outcome_note="Projet hydrogène lancé avec U-Need ; LabSoft en réserve.",
                follow_up_asked_at=dt.datetime(2020, 12, 30, 8, tzinfo=PARIS),
                followed_up_at=dt.datetime(2021, 1, 4, 10, tzinfo=PARIS), project_started=True,
                project_amount=380_000,
            )  # fmt: skip
            made += _paths(need, AIRCRAFT_PATHS, posted)
        hospital = Organisation.objects.filter(name="CHRU de Nancy").order_by("pk").first()
        grand_est = Region.objects.filter(code="44").first()
        if hospital is not None and grand_est is not None:
            posted = dt.datetime(2026, 11, 20, 9, 0, tzinfo=PARIS)
            need = _need(
                hospital, "Télémédecine : téléconsultation et télésurveillance des patients éloignés",
                created_by=_editor(hospital), kind=NeedKind.PUBLIC,
                description=(
                    "Le CHRU cherche une solution de téléconsultation et de télésurveillance pour les "
                    "patients des zones rurales du Grand Est, intégrée au dossier patient, avant le "
                    "forum offre et demande de Nancy."
                ),
                themes="télémédecine, téléconsultation, télésurveillance, données de santé",
                budget_min=80_000, budget_max=250_000, deadline=dt.date(2027, 3, 31), region=grand_est,
                department=Department.objects.filter(code="54").first(), confidential=False,
                status=NeedStatus.PUBLISHED, published_at=posted,
            )  # fmt: skip
            made += _paths(need, TELEMEDICINE_PATHS, posted)
        _demo_passwords()
    return {"needs": BuyerNeed.objects.count(), "paths": made}


def _demo_passwords() -> None:
    """Known passwords for the demo accounts on a development site (DEBUG); random elsewhere."""
    for username, _description in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and not user.has_usable_password():
            user.set_password(DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(9))
            user.save(update_fields=["password"])


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, description) for the development site's demo-accounts page."""
    return [(username, DEMO_PASSWORD, description) for username, description in ACCOUNTS]
