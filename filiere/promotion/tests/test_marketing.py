"""Territorial marketing: prospects by sector and country, actions, leads handed to regional
firms as showcase contact requests, and results read from the showcase's follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from filiere.promotion import selectors, services
from filiere.promotion.models import Lead, Prospect, ProspectStatus
from filiere.showcase import services as showcase_services
from filiere.showcase.models import ContactRequest, ContactStatus
from filiere.showcase.tests.factories import editor_of, make_firm

from .factories import region, regional_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def occ() -> Any:
    return region("76", "Occitanie")


def _prospect(by: Any, **fields: Any) -> Prospect:
    values = {
        "name": "Deutsche Bahn",
        "country": "de",
        "buyer_sector": "rail",
        "need": "Maintenance prédictive",
    }
    return services.save_prospect(by=by, region_code="76", **{**values, **fields})


def test_prospects_belong_to_the_regions_staff_and_bad_fields_are_named(occ: Any) -> None:
    officer = regional_admin(occ)
    prospect = _prospect(officer)
    assert prospect.country == "DE" and prospect.status == ProspectStatus.IDENTIFIED
    with pytest.raises(PermissionDenied):
        _prospect(regional_admin(region()))
    for field, value in (("country", "Allemagne"), ("buyer_sector", "inconnu"), ("name", " ")):
        with pytest.raises(ValidationError) as error:
            _prospect(officer, **{field: value})
        assert field in error.value.message_dict
    assert Prospect.objects.count() == 1


def test_a_lead_is_a_showcase_contact_request_to_the_firm(
    occ: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    officer = regional_admin(occ, email="marketing@example.org")
    firm = make_firm("Rail Data Toulouse", sectors=["rail"])
    editor_of(firm, email="ceo@raildata.example")
    prospect = _prospect(officer)
    services.record_action(
        by=officer, prospect=prospect, kind="fair", date=dt.date(2026, 9, 22), note="InnoTrans"
    )
    assert Prospect.objects.get().status == ProspectStatus.CONTACTED
    assert [p.organisation for p in selectors.firms_for_prospect(prospect)] == [firm]
    with django_capture_on_commit_callbacks(execute=True):
        lead = services.hand_lead(by=officer, prospect=prospect, organisation=firm, message="Besoin de data")
    contact = ContactRequest.objects.get(pk=lead.contact_id)
    assert (
        contact.organisation == firm and contact.buyer == officer and "Deutsche Bahn (DE)" in contact.subject
    )
    assert Prospect.objects.get().status == ProspectStatus.INTERESTED
    assert any("ceo@raildata.example" in m.to for m in mailoutbox)
    with pytest.raises(ValidationError):
        services.hand_lead(by=officer, prospect=prospect, organisation=firm, message="Encore")
    assert Lead.objects.count() == 1


def test_results_per_sector_and_country_follow_the_showcase(occ: Any) -> None:
    officer = regional_admin(occ)
    firm = make_firm("Rail Data Toulouse", sectors=["rail", "health"])
    firm_editor = editor_of(firm)
    rail_de = _prospect(officer)
    _prospect(officer, name="SNCF Réseau", country="FR")
    health = _prospect(officer, name="Charité", buyer_sector="health")
    services.record_action(by=officer, prospect=rail_de, kind="mission", date=dt.date(2026, 5, 1))
    services.record_action(by=officer, prospect=rail_de, kind="call", date=dt.date(2026, 5, 10))
    lead = services.hand_lead(by=officer, prospect=rail_de, organisation=firm, message="Besoin")
    services.hand_lead(by=officer, prospect=health, organisation=firm, message="Besoin")
    contact = ContactRequest.objects.get(pk=lead.contact_id)
    showcase_services.set_contact_status(
        user=firm_editor, contact=contact, status=ContactStatus.ANSWERED, answer="Oui"
    )
    showcase_services.set_contact_status(
        user=firm_editor, contact=contact, status=ContactStatus.DEAL_SIGNED, deal_amount=Decimal("120000")
    )
    rows = {(r.sector, r.country): r for r in selectors.marketing_results("76")}
    rail = rows[("Ferroviaire", "DE")]
    assert (rail.prospects, rail.actions, rail.leads, rail.answered, rail.deals, rail.amount) == (
        1, 2, 1, 1, 1, Decimal("120000"),
    )  # fmt: skip
    assert (rows[("Ferroviaire", "FR")].prospects, rows[("Ferroviaire", "FR")].leads) == (1, 0)
    assert (rows[("Santé", "DE")].leads, rows[("Santé", "DE")].answered) == (1, 0)


def test_marketing_pages_are_for_the_regions_staff(client: Any, occ: Any) -> None:
    officer = regional_admin(occ)
    prospect = _prospect(officer)
    urls = [
        reverse("promotion:prospects", args=["76"]),
        reverse("promotion:prospect_detail", args=[prospect.pk]),
        reverse("promotion:marketing_results", args=["76"]),
    ]
    assert all(client.get(url).status_code == 302 for url in urls)
    client.force_login(regional_admin(region()))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(officer)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    response = client.post(urls[0], {"name": "Renault", "country": "X1", "buyer_sector": "autonomous_vehicle",
                                     "status": "identified"})  # fmt: skip
    assert response.status_code == 200 and "Code pays ISO" in response.content.decode()
    response = client.post(urls[0], {"name": "Renault", "country": "fr", "buyer_sector": "autonomous_vehicle",
                                     "status": "identified"})  # fmt: skip
    assert response.status_code == 302 and Prospect.objects.filter(name="Renault", country="FR").exists()
    response = client.post(
        urls[1], {"what": "action", "a-kind": "call", "a-date": "2026-06-01", "a-note": "OK"}
    )
    assert response.status_code == 302 and prospect.actions.count() == 1
