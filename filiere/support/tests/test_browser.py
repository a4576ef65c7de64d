"""The support journey in real Chromium: a firm types its need in French, sees the proposed
services with reasons, routes its request; the provider takes it in charge and closes it; the
firm answers the satisfaction survey.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import Role
from filiere.core.testing import assert_accessible
from filiere.organisations.tests.factories import MembershipFactory
from filiere.support import indexing
from filiere.support.models import Referral, ReferralStatus, Survey, SurveyKind, Theme

from .factories import ServiceFactory, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(context: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_need_to_satisfaction(browser_context: Any, live_server: Any, bfc: Any) -> None:
    firm = make_firm(siret="73282932000074")
    editor = MembershipFactory(organisation=firm.organisation, role=Role.EDITOR).user
    cyber = ServiceFactory(
        title="Diagnostic cybersécurité",
        theme=Theme.CYBERSECURITY,
        description="Audit de la sécurité informatique, sauvegardes et plan contre les rançongiciels.",
    )
    ServiceFactory(title="Parcours export", theme=Theme.EXPORT, description="Prospecter à l'international.")
    provider_user = MembershipFactory(organisation=cyber.provider, role=Role.MEMBER).user
    indexing.reindex_all()

    _sign_in(browser_context, live_server, editor)
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/accompagnement/demande/")
    page.get_by_label("SIRET de l'établissement").fill("732 829 320 00074")
    page.get_by_label("Votre besoin").fill(
        "Nous avons subi une tentative de piratage : il faut sécuriser notre informatique et nos sauvegardes."
    )
    page.get_by_label("Votre courriel").fill("dirigeante@firme.example.org")
    page.get_by_role("button", name="Voir les services proposés").click()
    page.wait_for_load_state()
    proposed = page.get_by_label("Diagnostic cybersécurité", exact=False)
    assert proposed.is_checked()
    assert page.get_by_text("Thème Cybersécurité").first.is_visible()
    assert page.get_by_text("Couvre votre région : Bourgogne-Franche-Comté").first.is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre ma demande").click()
    page.wait_for_load_state()
    assert page.get_by_text("Votre demande est transmise").is_visible()
    referral = Referral.objects.get(service=cyber)
    assert referral.status == ReferralStatus.NEW

    _sign_in(browser_context, live_server, provider_user)
    page.goto(f"{live_server.url}/accompagnement/a-traiter/")
    page.get_by_role("link", name=firm.organisation.name).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Prise en charge").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Accompagnement réalisé").click()
    page.wait_for_load_state()
    assert page.get_by_text("Réponse enregistrée : Accompagnement réalisé.").is_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE

    survey = Survey.objects.get(referral=referral, kind=SurveyKind.SATISFACTION)
    browser_context.clear_cookies()
    page.goto(f"{live_server.url}/accompagnement/avis/{survey.token}/")
    assert_accessible(page)
    page.get_by_label("5").check()
    page.get_by_label("Un commentaire ?").fill("Audit clair et rapide.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state()
    assert page.get_by_text("Merci ! Votre réponse est enregistrée.").is_visible()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Audit clair et rapide.")
