"""The buyer's journey in real Chromium (Debian's, driven by Playwright).

A buyer types "apprentissage automatique pour le ferroviaire", sees the firms whose profiles say
"machine learning" and "rail", opens one and sends a contact request. Run with `pytest -m browser`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.test import Client

from filiere.organisations.tests.test_browser import CHROMIUM_ARGS

from .factories import EscoSkillFactory, SkillFactory, UserFactory, editor_of, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context(live_server) -> Iterator:
    """A Playwright browser context in headless Debian Chromium (missing Chromium fails)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: run `make chromium` (installs Debian's chromium package).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(locale="fr-FR")
            context.set_default_timeout(15_000)
            yield context
            context.close()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        _close_live_server_connections()


def _close_live_server_connections() -> None:
    """End the idle PostgreSQL sessions the live server's request threads left on the test database.

    Otherwise the session-end DROP DATABASE fails ("being accessed by other users") when a
    browser test is the last test of the run.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )


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

    first.locator("h3 a").click()
    page.wait_for_url(f"**/vitrine/{target.pk}/**")
    assert page.locator("h1").inner_text().startswith("Garonne Learning")
    page.get_by_label("Objet").fill("Maintenance prédictive du matériel roulant")
    page.get_by_label("Message").fill("Bonjour, nous cherchons trois ingénieurs data pour six mois.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/vitrine/demandes/")
    assert "Maintenance prédictive du matériel roulant" in page.locator("#sent").inner_text()

    request = target.contact_requests_received.get()
    assert request.buyer == buyer and request.status == "sent"
    assert request.search_query == "apprentissage automatique pour le ferroviaire"
