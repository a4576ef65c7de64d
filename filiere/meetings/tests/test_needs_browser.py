"""A buyer's need in real Chromium: the buyer posts an R&D need, sees the matching firms with
their reasons and invites two; one invited firm opens the need and answers; the buyer compares
the answers side by side. axe on every page.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from filiere.core.testing import assert_accessible, sign_in
from filiere.meetings.needs.models import BuyerNeed, NeedInvitation, PathStatus
from filiere.organisations.tests.factories import PASSWORD

from .needs_fixtures import build_world, fresh_engine_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_invite_answer_compare(browser_context: Any, site: str) -> None:
    world = build_world()
    page = browser_context.new_page()

    # The buyer posts an R&D need from "Mes besoins".
    sign_in(page, site, world.buyer.email, PASSWORD)
    page.goto(site + "/rendez-vous/besoins/")
    assert_accessible(page)
    page.get_by_role("link", name="Publier un besoin").click()
    assert_accessible(page)
    page.get_by_label("Nature du besoin").select_option("rd")
    page.get_by_label("Titre").fill("Avion décarboné : hydrogène")
    page.get_by_label("Description").fill(
        "Projet de R&D cofinancé : propulsion à hydrogène et simulation numérique."
    )
    page.get_by_label("Thèmes").fill("hydrogène, simulation numérique")
    page.get_by_label("Budget minimum (€)").fill("100000")
    page.get_by_label("Budget maximum (€)").fill("500000")
    page.get_by_label("Réponses attendues avant le").fill(
        (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    page.get_by_label("Région").select_option("76")
    page.get_by_label("Confidentiel").check()
    page.get_by_role("button", name="Publier et voir les entreprises proposées").click()

    # The engine's proposals, each with its reasons; the buyer ticks two.
    page.get_by_role("heading", name="Entreprises proposées par le moteur").wait_for()
    assert_accessible(page)
    need = BuyerNeed.objects.get()
    proposals = page.locator("li", has_text="U-Need")
    assert "Retenue pour :" in proposals.first.inner_text() and "hydrogène" in proposals.first.inner_text()
    page.get_by_label("U-Need").check()
    page.get_by_label("LabSoft").check()
    page.get_by_role("button", name="Inviter les organisations cochées").click()
    page.get_by_text("2 invitation(s) envoyée(s).").wait_for()
    assert_accessible(page)
    assert set(NeedInvitation.objects.values_list("organisation__name", flat=True)) == {"U-Need", "LabSoft"}

    # One invited firm opens the need and answers.
    sign_in(page, site, world.people["U-Need"].email, PASSWORD)
    page.goto(site + "/rendez-vous/besoins/recus/")
    assert_accessible(page)
    page.get_by_role("link", name="Avion décarboné : hydrogène").click()
    page.get_by_role("heading", name="Répondre").wait_for()
    assert_accessible(page)
    invitation = NeedInvitation.objects.get(organisation=world.firms["U-Need"])
    assert invitation.status == PathStatus.OPENED and invitation.opened_at is not None
    page.get_by_label("Votre réponse").fill("Banc de simulation de la chaîne hydrogène, trois ingénieurs.")
    page.get_by_label("Montant proposé (€)").fill("250000")
    page.get_by_label("Délai de réalisation (jours)").fill("180")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("Réponse envoyée à l'acheteur.").wait_for()

    # The buyer compares the answers side by side and shortlists.
    sign_in(page, site, world.buyer.email, PASSWORD)
    page.goto(f"{site}/rendez-vous/besoins/{need.pk}/comparer/")
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile("U-Need"))
    text = row.inner_text()
    assert (
        re.search(r"250[\s\u202f\xa0]000", text)
        and "180" in text
        and "Banc de simulation" in text
        and "A répondu" in text
    )
    page.get_by_role("button", name="Présélectionner U-Need").click()
    page.get_by_role("button", name="Retenir U-Need").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == PathStatus.SHORTLISTED
    page.goto(f"{site}/rendez-vous/besoins/{need.pk}/")
    assert_accessible(page)
