"""The board secretary's journey in real Chromium, with axe on each page: create the assembly →
seat people → create and convene a meeting → attendance sheet (a refused proxy named on its row,
the quorum previewed as one types) → a decision voted per college → the public register.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_accessible, overflowing_elements, sign_in
from filiere.governance.models import Body, CollegeRules
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    PASSWORD,
    CollegeFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_secretary_runs_a_general_assembly(browser_context: Any, site: str) -> None:
    cluster = OrganisationFactory(name="Occitanie numérique", kind=Kind.CLUSTER, siren=None)
    cloud = CollegeFactory(cluster=cluster, name="Cloud")
    CollegeRules.objects.create(college=cloud)
    MembershipFactory(organisation=cluster, role=Role.EDITOR, user=UserFactory(email="board@cluster.example"))
    people = ["Alice Roux", "Bruno Vidal", "Chloé Pujol"]
    for name in people:
        first, last = name.split()
        UserFactory(email=f"{last.lower()}@example.org", first_name=first, last_name=last)
    page = browser_context.new_page()
    sign_in(page, site, "board@cluster.example", PASSWORD)

    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/instances/")
    assert_accessible(page)
    page.get_by_label("Type").select_option(label="Assemblée générale")
    page.get_by_label("Nom").fill("Assemblée générale 2027")
    page.get_by_label(re.compile("Pouvoirs au plus")).fill("1")
    page.get_by_role("button", name="Créer l'instance").click()
    page.wait_for_url("**/gouvernance/instances/*/")
    body = Body.objects.get(name="Assemblée générale 2027")
    for name in people:
        page.get_by_label("Adresse de son compte").fill(f"{name.split()[1].lower()}@example.org")
        page.get_by_label(re.compile(r"^Collège")).select_option(label="Cloud")
        page.get_by_role("button", name="Ajouter", exact=True).click()
        page.get_by_role("rowheader", name=name).wait_for()
    assert body.seats.count() == 3
    assert_accessible(page)

    page.get_by_role("link", name="Nouvelle réunion").click()
    page.get_by_label("Date et heure").fill("2027-03-15T17:30")
    page.get_by_label("Lieu").fill("Montpellier")
    page.get_by_label("Ordre du jour").fill("1. Comptes 2026")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/gouvernance/reunions/*/")
    page.get_by_role("button", name=re.compile("^Convoquer")).click()
    page.wait_for_load_state()
    assert "Convocation envoyée à 3 membre(s)" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Saisir la feuille de présence").click()
    page.get_by_label("Alice Roux").select_option("present")
    page.get_by_label("Bruno Vidal").select_option(label="Pouvoir à Chloé Pujol")
    assert "quorum non atteint (1 / 2)" in page.locator("#quorum-preview").inner_text()
    page.get_by_role("button", name="Enregistrer la feuille de présence").click()
    page.wait_for_load_state()
    assert "Chloé Pujol n'est pas présent(e)" in page.content()  # on Bruno's row, nothing saved
    assert_accessible(page)
    page.get_by_label("Bruno Vidal").select_option(label="Pouvoir à Alice Roux")
    assert "quorum atteint (2 / 2)" in page.locator("#quorum-preview").inner_text()
    page.get_by_role("button", name="Enregistrer la feuille de présence").click()
    page.wait_for_url("**/gouvernance/reunions/*/")
    assert "Quorum atteint" in page.content() and "Représenté(e) par Alice Roux" in page.content()

    page.get_by_role("link", name="Ajouter une décision").click()
    page.get_by_label("Intitulé").fill("Approbation des comptes 2026")
    page.get_by_role("button", name="Ajouter").click()
    page.wait_for_url("**/gouvernance/decisions/*/")
    page.get_by_label("Cloud — Pour").fill("2")
    page.get_by_role("button", name="Compter le vote").click()
    page.wait_for_load_state()
    assert "Adoptée" in page.content()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert overflowing_elements(page) == []

    page.context.clear_cookies()
    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/registre/")
    assert "Approbation des comptes 2026" in page.content()
