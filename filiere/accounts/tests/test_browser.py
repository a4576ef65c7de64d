"""People get in by themselves, in real Chromium (Debian's, driven by Playwright).

1. An organisation's admin invites a colleague; the colleague opens the link from the mail, sets a
   password and edits the firm's showcase.
2. A buyer signs up, confirms the address from the mail, and sends a contact request from a showcase.
3. A forgotten password is reset from the login page through the mailed link.
4. Regional staff walk through the remaining account pages.

axe-core checks every new page. Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re

import pytest

from filiere.accounts.models import Membership, Role, User
from filiere.core.testing import assert_accessible, sign_in, sign_in_through_form
from filiere.showcase.tests.conftest import fresh_engine  # noqa: F401 (autouse fixture; buyer sectors: root conftest)

from .factories import (
    PASSWORD,
    EstablishmentFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RegionFactory,
    UserFactory,
    admin_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_admin_invites_a_colleague_who_edits_the_showcase(browser_context, site, mailoutbox):
    firm = EstablishmentFactory(organisation__name="Atelier Numérique").organisation
    admin_of(firm, email="ada@atelier.example", first_name="Ada", last_name="Admin")
    page = browser_context.new_page()

    sign_in(page, site, "ada@atelier.example", PASSWORD)
    page.goto(site + "/comptes/")
    assert_accessible(page)
    page.get_by_role("link", name="Membres et invitations").click()
    page.wait_for_url(f"**/comptes/organisations/{firm.pk}/membres/")
    page.get_by_label("Adresse e-mail de la personne").fill("bob@atelier.example")
    page.get_by_label(re.compile(r"^Rôle\s*:?$")).select_option(Role.EDITOR)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert "Invitation envoyée à bob@atelier.example." in page.locator(".messages").inner_text()
    assert "bob@atelier.example" in page.locator("#invitations").inner_text()
    assert_accessible(page)

    [mail] = mailoutbox
    assert mail.to == ["bob@atelier.example"] and "Atelier Numérique" in mail.subject
    browser_context.clear_cookies()
    page.goto(link_in(mail))
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Bob")
    page.get_by_label(re.compile(r"^Nom\s*:?$")).fill("Martin")
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill("un-long-mot-de-passe")
    page.get_by_label("Confirmation du mot de passe").fill("un-long-mot-de-passe")
    page.get_by_role("button", name="Créer mon compte et rejoindre l'organisation").click()
    page.wait_for_url("**/comptes/")
    assert "Bienvenue ! Vous avez rejoint Atelier Numérique." in page.locator(".messages").inner_text()
    bob = User.objects.get(username="bob@atelier.example")
    assert Membership.objects.get(user=bob, organisation=firm).role == Role.EDITOR

    page.get_by_role("link", name="Modifier la vitrine").click()
    page.wait_for_url(f"**/vitrine/{firm.pk}/modifier/")
    page.get_by_label("Présentation").fill("Nous développons des applications métier pour l'industrie.")
    page.get_by_label("Publier la vitrine").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Vitrine mise à jour." in page.locator(".messages").inner_text()
    from filiere.showcase.models import ShowcaseProfile

    showcase = ShowcaseProfile.objects.get(organisation=firm)
    assert showcase.is_published and "applications métier" in showcase.pitch


def test_buyer_signs_up_confirms_and_contacts_a_firm(browser_context, site, mailoutbox):
    from filiere.showcase.tests.factories import ProfileFactory

    firm = EstablishmentFactory(organisation__name="Garonne Learning").organisation
    ProfileFactory(organisation=firm, pitch="Machine learning pour le rail.")
    admin_of(firm, email="contact@garonne.example")
    page = browser_context.new_page()

    page.goto(site + "/comptes/connexion/")
    page.get_by_role("link", name="Créer un compte").click()
    page.wait_for_url("**/comptes/inscription/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("Acheteuse@Rail.example")
    page.get_by_label("Prénom").fill("Ada")
    page.get_by_label(re.compile(r"^Nom\s*:?$")).fill("Lovelace")
    page.get_by_label("Acheteur ou donneur d'ordre").check()
    page.get_by_label(re.compile(r"^Mot de passe\s*:?$")).fill("un-long-mot-de-passe")
    page.get_by_label("Confirmation du mot de passe").fill("un-long-mot-de-passe")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/comptes/inscription/envoyee/")
    assert "acheteuse@rail.example" in page.locator("main").inner_text()
    assert_accessible(page)
    assert not User.objects.get(username="acheteuse@rail.example").is_active

    [mail] = mailoutbox
    page.goto(link_in(mail))
    page.wait_for_url("**/comptes/")
    assert "Votre adresse est confirmée." in page.locator(".messages").inner_text()

    page.goto(f"{site}/vitrine/{firm.pk}/")
    page.get_by_label("Objet").fill("Maintenance prédictive")
    page.get_by_label("Message").fill("Bonjour, nous cherchons deux ingénieurs data pour six mois.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/vitrine/demandes/")
    assert "Maintenance prédictive" in page.locator("#sent").inner_text()
    request = firm.contact_requests_received.get()
    assert request.buyer.username == "acheteuse@rail.example"


def test_password_reset_from_the_login_page(browser_context, site, mailoutbox):
    UserFactory(username="camille", email="camille@example.org")
    page = browser_context.new_page()

    page.goto(site + "/comptes/connexion/")
    assert_accessible(page)
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.wait_for_url("**/comptes/mot-de-passe/oublie/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("Camille@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_url("**/comptes/mot-de-passe/oublie/envoye/")
    assert_accessible(page)

    [mail] = mailoutbox
    assert mail.to == ["camille@example.org"] and link_in(mail).startswith(
        site + "/comptes/mot-de-passe/nouveau/"
    )
    page.goto(link_in(mail))
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nouveau mot de passe\s*:?$")).fill("encore-un-autre-mdp")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("encore-un-autre-mdp")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url("**/comptes/mot-de-passe/nouveau/termine/")
    assert_accessible(page)

    sign_in_through_form(page, site, "camille@example.org", "encore-un-autre-mdp")
    page.wait_for_url(site + "/")
    assert page.get_by_role("link", name="Mon espace").count() >= 1


def test_remaining_account_pages_are_accessible(browser_context, site):
    region = RegionFactory(code="27")
    firm = EstablishmentFactory(organisation__name="Dijon Data", region_code="27").organisation
    admin_of(firm, first_name="Ada", last_name="Admin")
    other = OrganisationFactory(name="Autre Société")
    RegionalRoleFactory(region=region, user=UserFactory(email="region@example.org"))
    page = browser_context.new_page()
    sign_in(page, site, "region@example.org", PASSWORD)
    for path in (
        "/comptes/region/",
        f"/comptes/organisations/{other.pk}/rejoindre/",
        "/comptes/mot-de-passe/changer/",
        "/comptes/desactiver/",
    ):
        page.goto(site + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    page.goto(site + "/comptes/region/")
    assert "Ada Admin" in page.locator("#region-organisations").inner_text()
