"""The main journey in real Chromium: a participant amends an action of the draft, another
supports it, the team accepts it and publishes a version that shows the change with its source.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from filiere.accounts.models import RegionalRole
from filiere.consultations.models import Answer, Contribution, Support
from filiere.core.testing import assert_accessible, sign_in
from filiere.organisations.tests.factories import PASSWORD, UserFactory

from .factories import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def join(page: Any, site: str, process_id: int, pseudonym: str, actor: str) -> None:
    page.goto(f"{site}/consultations/{process_id}/")
    page.get_by_role("link", name="Participer", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Pseudonyme").fill(pseudonym)
    page.get_by_label("Je m'exprime en tant que").select_option(label=actor)
    page.get_by_label("J'accepte que mes contributions").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/consultations/{process_id}/")


def test_amend_support_accept_and_trace(browser_context: Any, site: str) -> None:
    w = world()
    team = UserFactory(username="equipe")
    RegionalRole.objects.create(user=team, region=w.plan.region)
    UserFactory(username="lea")
    UserFactory(username="marc")
    page = browser_context.new_page()
    section = f"{site}/consultations/{w.process.pk}/section/action/{w.action.pk}/"

    # Léa, an entrepreneur, amends the action's description.
    sign_in(page, site, "lea@example.org", PASSWORD)
    join(page, site, w.process.pk, "Léa33", "Entrepreneur")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Animation transversale")).first.click()
    page.wait_for_url(section)
    page.get_by_label("Type").select_option(label="Amendement")
    page.get_by_label("Champ amendé").select_option(label="Description")
    page.get_by_label(re.compile(r"^Texte\s*:?$")).fill(
        "Animer et fédérer l'écosystème numérique dans chaque département."
    )
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()
    assert page.locator(".co-diff ins").first.inner_text() == "et fédérer"
    assert_accessible(page)
    amendment = Contribution.objects.get()

    # Marc, a lab, supports it; a second click would be refused, the button now withdraws.
    browser_context.clear_cookies()
    sign_in(page, site, "marc@example.org", PASSWORD)
    join(page, site, w.process.pk, "LaboMarc", "Laboratoire de recherche")
    page.goto(section)
    page.get_by_role("button", name="Soutenir").click()
    page.get_by_text("Votre soutien est enregistré.").wait_for()
    assert page.get_by_role("button", name="Retirer mon soutien").count() == 1
    assert Support.objects.count() == 1

    # The region's team accepts it and publishes version 2.
    browser_context.clear_cookies()
    sign_in(page, site, "equipe@example.org", PASSWORD)
    page.goto(f"{site}/consultations/{w.process.pk}/reponses/")
    assert_accessible(page)
    page.get_by_label(re.compile(f"n° {amendment.pk}")).check()
    page.get_by_label(re.compile(r"^Réponse\s*:?$")).select_option(label="Retenue")
    page.get_by_label(re.compile(r"^Motif\s*:?$")).fill("Retenu : chaque département aura son animation.")
    page.get_by_role("button", name="Répondre aux contributions cochées").click()
    page.get_by_text("1 contribution(s) répondue(s).").wait_for()
    amendment.refresh_from_db()
    assert amendment.answer == Answer.ACCEPTED
    page.get_by_role("link", name="Publier une nouvelle version").click()
    page.get_by_label("Note de version").fill("Après la consultation en ligne")
    page.get_by_role("button", name="Publier la version").click()
    page.wait_for_url(f"**/consultations/{w.process.pk}/versions/2/")
    assert_accessible(page)
    change = page.locator("article.co-item").first
    assert "et fédérer" in change.locator("ins").first.inner_text()
    assert f"Amendement n° {amendment.pk}" in change.inner_text()
    assert "Léa33" in change.inner_text()

    # The public page of the action, signed out.
    browser_context.clear_cookies()
    page.goto(f"{site}/consultations/{w.process.pk}/action/{w.action.pk}/")
    assert "Animer et fédérer" in page.locator("main").inner_text()
    assert f"Amendement n° {amendment.pk}" in page.inner_text("main")
    assert_accessible(page)


def test_the_team_opens_a_consultation_adds_a_phase_and_publishes(browser_context: Any, site: str) -> None:
    w = world()
    team = UserFactory(username="equipe")
    RegionalRole.objects.create(user=team, region=w.plan.region)
    page = browser_context.new_page()
    sign_in(page, site, "equipe@example.org", PASSWORD)
    page.goto(f"{site}/consultations/")
    page.get_by_role("link", name="Ouvrir une consultation sur un plan").click()
    assert_accessible(page)
    page.get_by_label(re.compile("Plan soumis à la consultation")).select_option(index=1)
    page.get_by_label(re.compile("Titre de la consultation")).fill("Feuille de route 2030")
    page.get_by_role("button", name="Créer la consultation").click()
    page.get_by_text("Consultation créée en brouillon").wait_for()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Type\s*:?$")).select_option(label="Consultation en ligne")
    page.get_by_label(re.compile(r"^Titre\s*:?$")).fill("Consultation en ligne")
    page.get_by_label(re.compile(r"^Début\s*:?$")).fill("2027-01-04")
    page.get_by_label(re.compile(r"^Fin\s*:?$")).fill("2027-02-28")
    page.get_by_label("amendements").check()
    page.get_by_role("button", name="Ajouter la phase").click()
    page.get_by_text("Phase « Consultation en ligne » ajoutée.").wait_for()
    assert page.locator("table tbody tr").count() == 1
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("La consultation est publiée.").wait_for()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "consultation-phases-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
