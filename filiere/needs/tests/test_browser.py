"""The needs journeys in real Chromium: read the gap table and its map, answer a survey by its link.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import pytest

from filiere.core.testing import assert_accessible
from filiere.needs.models import NeedLine

from .factories import AnswerFactory, CampaignFactory, InvitationFactory, NeedLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gap_page_then_answer_through_the_private_link(browser_context, live_server, bfc, skills):
    campaign = CampaignFactory(public=True, title="Enquête compétences BFC")
    answer = AnswerFactory(
        invitation=InvitationFactory(campaign=campaign, department_code="25", answered=True)
    )
    NeedLineFactory(answer=answer, text="cybersécurité", label="cybersécurité", family="cyber", people=7)
    invitation = InvitationFactory(campaign=campaign, department_code="21")
    page = browser_context.new_page()

    page.goto(f"{live_server.url}/besoins/ecarts/?campaign={campaign.pk}")
    gap_table = page.locator("#gap-table")
    assert "Cybersécurité" in gap_table.inner_text() and "+7" in gap_table.inner_text()
    assert page.locator("svg.choropleth").count() == 1
    assert_accessible(page)

    page.goto(f"{live_server.url}/besoins/enquete/{invitation.token}/")
    assert_accessible(page)
    page.get_by_label("Compétence ou métier recherché").first.fill("Python")
    page.get_by_label("Nombre de personnes").first.fill("2")
    page.get_by_label("Horizon").first.select_option("1y")
    page.get_by_label("Difficulté à recruter ou former").first.select_option("3")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state()
    # The engine's reading is shown for confirmation before anything is saved.
    assert page.get_by_text("Nous avons compris").first.is_visible()
    assert page.get_by_label("Python (programmation informatique)").is_checked()
    assert not NeedLine.objects.filter(answer__invitation=invitation).exists()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state()
    assert page.get_by_text("Merci ! Votre réponse est enregistrée.").is_visible()
    line = NeedLine.objects.get(answer__invitation=invitation)
    assert (line.skill_id, line.people, line.horizon, line.family) == (
        skills["python"].pk,
        2,
        "1y",
        "software",
    )
