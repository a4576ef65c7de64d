"""The demo's Nouvelle-Aquitaine consultative body: twenty seats across the five kinds of
actor the seed names, the directory's organisations first, one meeting with its attendance."""

from __future__ import annotations

from collections import Counter

import pytest

from filiere.governance.bodies import selectors as bodies_selectors
from filiere.governance.demo import BODY, REGION, load_council_demo
from filiere.governance.models import Body, Seat
from filiere.organisations.models import Kind, Organisation
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _na(name: str, kind: str) -> Organisation:
    organisation = OrganisationFactory(name=name, kind=kind, siren=None)
    EstablishmentFactory(organisation=organisation, region_code="75", siret=None)
    return organisation


def test_consultative_body_of_twenty_with_its_installation_meeting() -> None:
    assert load_council_demo() is None  # no directory demo: nothing
    _na(REGION, Kind.PUBLIC_BODY)
    cdiscount = _na("Cdiscount", Kind.COMPANY)
    magelis = _na("Magelis", Kind.CLUSTER)
    french_tech = _na("French Tech Bordeaux", Kind.COMMUNITY)
    _na("Gamers Assembly", Kind.COMMUNITY)  # a LAN party: not a support structure
    for index in range(6):
        _na(f"Studio {index}", Kind.COMPANY)
    body = load_council_demo()
    assert body is not None and body.name == BODY and body.kind == "consultative"
    rows = bodies_selectors.seat_rows(body)
    assert len(rows) == 20
    assert Counter(r.seat.role.split(" — ")[-1].capitalize() for r in rows) == {
        "Entrepreneur": 4, "Représentant d'un cluster": 4, "Structure d'accompagnement": 4,
        "Organisme de formation": 4, "Monde académique": 4,
    }  # fmt: skip
    organisations = {r.organisation for r in rows}
    assert {cdiscount.name, magelis.name, french_tech.name} <= organisations  # the seed's actors first
    assert "Gamers Assembly" not in organisations
    assert len(organisations) == 20
    meeting = body.meetings.get()
    quorum = bodies_selectors.quorum(meeting)
    assert (quorum.present, quorum.represented, quorum.required, quorum.reached) == (13, 3, 10, True)
    assert meeting.convened_at is not None and meeting.minutes and meeting.minutes_published_at
    assert all(r.seat.organisation_id for r in rows)  # each seat names its organisation
    # Loading again changes nothing; a demo loaded before seats named their organisation gets them.
    named = dict(Seat.objects.values_list("pk", "organisation_id"))
    Seat.objects.update(organisation=None)
    seats = Seat.objects.count()
    assert load_council_demo() == body
    assert (Body.objects.count(), Seat.objects.count()) == (1, seats)
    assert dict(Seat.objects.values_list("pk", "organisation_id")) == named
