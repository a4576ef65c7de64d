"""The board sets a college up (create → rules → fee grid → officer) and prepares a merger; the
officer then sets the grid of their college. Real Chromium, axe on each page.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_accessible, sign_in
from filiere.governance.models import CollegeRules, Merger
from filiere.organisations.models import College, Kind
from filiere.organisations.tests.factories import (
    PASSWORD,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_sets_a_college_up_and_prepares_a_merger(browser_context: Any, site: str) -> None:
    cluster = OrganisationFactory(name="Occitanie numérique", kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=cluster, region_code="76", department_code="34", siret=None)
    novae = OrganisationFactory(name="Novae LR", kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=novae, region_code="76", department_code="34", siret=None)
    MembershipFactory(organisation=cluster, role=Role.EDITOR, user=UserFactory(email="board@cluster.example"))
    UserFactory(email="officer@cluster.example")
    page = browser_context.new_page()

    sign_in(page, site, "board@cluster.example", PASSWORD)
    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/")
    page.get_by_role("link", name="Nouveau collège").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nom\s*:?$")).fill("Cloud")
    page.get_by_label("Sièges au conseil d'administration").fill("3")
    page.get_by_role("button", name="Créer le collège").click()
    page.wait_for_url("**/regles/")
    assert_accessible(page)
    page.get_by_label("Activités admises (NAF)").fill("J, 7112B")
    page.get_by_role("button", name="Enregistrer les règles").click()
    page.wait_for_load_state()
    college = College.objects.get(cluster=cluster, name="Cloud")
    assert CollegeRules.objects.get(college=college).naf_prefixes == ["J", "71.12B"]

    page.get_by_role("link", name="Responsables").click()
    assert_accessible(page)
    page.get_by_label("Courriel de la personne (compte existant)").fill("officer@cluster.example")
    page.get_by_role("button", name="Ajouter").click()
    page.wait_for_load_state()
    assert "officer@cluster.example est responsable du collège." in page.content()

    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/")
    page.get_by_role("link", name="Préparer la fusion d'associations dans le cluster").click()
    assert_accessible(page)
    page.get_by_label("Novae LR").check()
    page.get_by_label("Date d'effet").fill("2015-01-01")
    page.get_by_role("button", name="Préparer la fusion").click()
    page.wait_for_url("**/fusions/*/modifier/")
    assert_accessible(page)
    page.get_by_label("Collège des membres de Novae LR").select_option(label="Cloud")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/fusions/*/")
    merger = Merger.objects.get(cluster=cluster)
    assert merger.college_map == {str(novae.pk): college.pk}

    sign_in(page, site, "officer@cluster.example", PASSWORD)
    page.goto(f"{site}/gouvernance/colleges/{college.pk}/")
    page.get_by_role("link", name="grille de cotisation").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^De\s*:?$")).fill("0")
    page.get_by_label(re.compile(r"^À\s*:?$")).fill("9")
    page.get_by_label("Cotisation annuelle (€)").fill("120")
    page.get_by_role("button", name="Ajouter").click()
    page.wait_for_load_state()
    assert college.fee_bands.get().amount == Decimal("120")
    page.get_by_label("Effectif ou chiffre d'affaires").fill("4")
    page.get_by_label("Date d'adhésion").fill("2026-10-01")
    page.get_by_role("button", name="Calculer").click()
    page.wait_for_load_state()
    assert "la première année : 30,00 €" in page.locator("#simulated").inner_text()
    assert_accessible(page)
