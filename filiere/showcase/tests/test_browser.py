"""The buyer's journey in real Chromium (Debian's, driven by Playwright).

A buyer types "apprentissage automatique pour le ferroviaire", sees the firms whose profiles say
"machine learning" and "rail", opens one and sends a contact request. Run with `pytest -m browser`.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from filiere.core.testing import assert_accessible

from .factories import EscoSkillFactory, SkillFactory, UserFactory, editor_of, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_finds_machine_learning_for_rail_and_sends_a_request(browser_context, live_server):
    from filiere.matching import gazetteer

    ml = SkillFactory(
        esco_skill=EscoSkillFactory(label_fr="apprentissage automatique", alt_labels_fr=["machine learning"]),
        label="apprentissage automatique",
    )
    projects = SkillFactory(
        esco_skill=EscoSkillFactory(label_fr="gestion de projets"), label="gestion de projets"
    )
    gazetteer.reset_gazetteer()
    target = make_firm(
        "Garonne Learning",
        skills=[ml],
        sectors=["rail"],
        pitch="Nos ingénieurs font du machine learning pour le rail.",
        capacity=8,
    )
    make_firm(
        "Rail Projets",
        skills=[projects],
        sectors=["rail"],
        pitch="Gestion de projets ferroviaires.",
        capacity=2,
    )
    make_firm("Santé Data", skills=[projects], sectors=["health"], pitch="Projets hospitaliers.", capacity=1)
    editor_of(target, email="contact@garonne.example")
    buyer = UserFactory(username="acheteur", first_name="Ada")
    client = Client()
    client.force_login(buyer)
    browser_context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = browser_context.new_page()

    page.goto(live_server.url + "/vitrine/")
    page.get_by_label("Votre besoin").fill("apprentissage automatique pour le ferroviaire")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_function("document.querySelector('#result-count').innerText.includes('entreprise')")
    page.wait_for_function("document.querySelector('.result h3 a') !== null")
    first = page.locator(".result").first
    assert first.locator("h3 a").inner_text() == "Garonne Learning"
    explanation = first.locator(".explanation").inner_text()
    assert "apprentissage automatique" in explanation and "ferroviaire" in explanation
    assert "8 personnes disponibles" in first.inner_text()
    assert "Santé Data" not in page.locator(".result-list").inner_text()
    assert_accessible(page)

    first.locator("h3 a").click()
    page.wait_for_url(f"**/vitrine/{target.pk}/**")
    assert page.locator("h1").inner_text().startswith("Garonne Learning")
    assert_accessible(page)
    page.get_by_label("Objet").fill("Maintenance prédictive du matériel roulant")
    page.get_by_label("Message").fill("Bonjour, nous cherchons trois ingénieurs data pour six mois.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/vitrine/demandes/")
    assert "Maintenance prédictive du matériel roulant" in page.locator("#sent").inner_text()

    request = target.contact_requests_received.get()
    assert request.buyer == buyer and request.status == "sent"
    assert request.search_query == "apprentissage automatique pour le ferroviaire"
