"""From registration to check-in in real Chromium: a person registers for their firm, gets the
ticket (QR code) and the mail with the ICS; the door staff scan it, twice, once offline.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_accessible, sign_in
from filiere.events.models import Registration
from filiere.events.tickets import check_in_url, ticket_code
from filiere.organisations.tests.factories import PASSWORD

from .factories import MembershipFactory, OrganisationFactory, UserFactory, cluster, make_event, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registration_to_check_in(browser_context: Any, site: str, mailoutbox: list[Any]) -> None:
    organiser = cluster()
    event = make_event(organiser=organiser, title="Conext Days 2027", capacity=30)
    firm: Any = OrganisationFactory(name="Atelier Numérique")
    person = UserFactory(email="ada@atelier.example", first_name="Ada", last_name="Lovelace")
    MembershipFactory(organisation=firm, user=person, role=Role.MEMBER)
    staff_of(organiser, Role.MEMBER, email="accueil@nicephore.example")
    page = browser_context.new_page()

    sign_in(page, site, "ada@atelier.example", PASSWORD)
    page.goto(site + "/evenements/")
    assert_accessible(page)
    page.get_by_role("link", name="Conext Days 2027").click()
    page.wait_for_url(f"**/evenements/{event.pk}/")
    assert_accessible(page)
    page.get_by_label("Au nom de").select_option(label="Atelier Numérique")
    page.get_by_role("button", name="M'inscrire").click()
    page.wait_for_url("**/billet/")
    assert page.locator("figure.ev-qr svg").count() == 1
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.organisation_id == firm.pk and registration.status == "confirmed"
    [mail] = mailoutbox
    assert mail.attachments[0][0] == "evenement.ics" and f"{site}/evenements/" in mail.body

    # The door: the staff's phone opens the address the QR code holds.
    browser_context.clear_cookies()
    sign_in(page, site, "accueil@nicephore.example", PASSWORD)
    page.goto(check_in_url(event.pk, ticket_code(registration.pk, event.pk)))
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer l'arrivée").click()
    result = page.locator("#checkin-result")
    result.get_by_text("bienvenue").wait_for()
    assert "Ada Lovelace" in result.inner_text()

    # Offline: the code waits in the phone's storage and goes when the network is back; the
    # second scan counts once.
    browser_context.set_offline(True)
    page.get_by_label("Code du billet").fill(ticket_code(registration.pk, event.pk))
    page.get_by_role("button", name="Enregistrer l'arrivée").click()
    result.get_by_text("Pas de réseau").wait_for()
    assert "1" in page.locator("#checkin-pending").inner_text()
    browser_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    result.get_by_text("déjà enregistrée").wait_for()
    assert page.locator("#checkin-pending").is_hidden()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1
