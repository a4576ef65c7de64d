"""Apply → approve → fee call → payment → receipt, in real Chromium, with axe on each page.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.core.testing import assert_accessible, sign_in
from filiere.governance.models import CollegeRules, FeeBand, Membership
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    PASSWORD,
    CollegeFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_approve_call_pay_receipt(browser_context: Any, site: str) -> None:
    cluster = OrganisationFactory(name="Occitanie numérique", kind=Kind.CLUSTER, siren=None)
    college = CollegeFactory(cluster=cluster, name="Cloud")
    officer = UserFactory(email="officer@cluster.example")
    CollegeRules.objects.create(college=college).officers.add(officer)
    FeeBand.objects.create(college=college, minimum=0, maximum=None, amount=Decimal("240"))
    MembershipFactory(organisation=cluster, role=Role.EDITOR, user=UserFactory(email="board@cluster.example"))
    firm = OrganisationFactory(name="Nuage Sud", naf_code="63.11Z")
    MembershipFactory(organisation=firm, role=Role.ADMIN, user=UserFactory(email="dg@nuage.example"))
    page = browser_context.new_page()

    sign_in(page, site, "dg@nuage.example", PASSWORD)
    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/adherer/")
    assert_accessible(page)
    page.get_by_label("Collège").select_option(label="Cloud")
    page.get_by_label("Au nom de").select_option(label="Nuage Sud")
    page.get_by_label("Effectif salarié").fill("4")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/gouvernance/adhesions/*/")
    assert "En attente de validation" in page.content()
    membership = Membership.objects.get(organisation=firm)

    sign_in(page, site, "officer@cluster.example", PASSWORD)
    page.goto(f"{site}/gouvernance/colleges/{college.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_load_state()
    membership.refresh_from_db()
    assert membership.status == "active"

    sign_in(page, site, "board@cluster.example", PASSWORD)
    page.goto(f"{site}/gouvernance/clusters/{cluster.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Émettre les appels de cotisation").click()
    page.wait_for_load_state()
    page.goto(f"{site}/gouvernance/adhesions/{membership.pk}/")
    page.get_by_label("Montant (€)").fill("240")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.wait_for_load_state()
    assert "Paiement enregistré" in page.content()
    assert_accessible(page)

    sign_in(page, site, "dg@nuage.example", PASSWORD)
    page.goto(f"{site}/gouvernance/adhesions/{membership.pk}/")
    link = page.get_by_role("link", name=re.compile("Reçu R"))
    response = page.request.get(site + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")
