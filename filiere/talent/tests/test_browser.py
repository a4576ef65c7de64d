"""The adviser's journey in real Chromium (Debian's, driven by Playwright).

Log in as the programme's adviser → create a cohort → open a file for a person → move it
applied → pre-selected → selected → in training → trained → placed → record the 6-month outcome
→ see the dashboard figures change; the dashboard passes axe-core.
Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filiere.core.testing import assert_accessible

from .factories import PASSWORD, ProgrammeFactory, SeekerFactory, adviser_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_adviser_moves_a_file_to_placement_and_sees_the_dashboard_change(browser_context, live_server):
    programme = ProgrammeFactory(name="Numéric Emploi Grand Est")
    adviser_of(programme.structure, username="conseiller")
    SeekerFactory(first_name="Nathalie", last_name="Kieffer", structure=programme.structure)
    page = browser_context.new_page()

    page.goto(live_server.url + "/comptes/connexion/?next=/talents/")
    page.get_by_label("Adresse e-mail").fill("conseiller")  # a username is accepted too
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Numéric Emploi Grand Est", exact=True).click()

    page.get_by_label("Nom de la promotion").fill("Promotion 2025")
    page.get_by_label("Année").fill("2025")
    page.get_by_label("Début de la formation").fill("2025-03-01")
    page.get_by_label("Fin de la formation").fill("2025-09-30")
    page.get_by_label("Places").fill("20")
    page.get_by_role("button", name="Créer la promotion").click()
    expect(page.get_by_text("Promotion créée.")).to_be_visible()  # retried until the next page is there

    page.get_by_label("Personne").select_option(label="Nathalie Kieffer")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    assert page.locator("#file-state").inner_text() == "Candidature reçue"
    for label in ("Présélectionné", "Sélectionné", "En formation", "Formé", "En emploi"):
        page.get_by_label("Nouvel état").select_option(label=label)
        page.get_by_role("button", name="Changer l'état").click()
        assert page.locator("#file-state").inner_text() == label
    assert page.locator("#history tr").count() == 6

    dashboard = live_server.url + f"/talents/programmes/{programme.pk}/tableau-de-bord/"
    page.goto(dashboard)
    assert page.locator("#fig-files").inner_text() == "1"
    assert page.locator("#fig-back-to-work-6").inner_text() == "—"
    page.go_back()
    page.get_by_label("Échéance").select_option(label="à 6 mois")
    page.locator("#id_status").select_option(label="En emploi : CDI")
    page.get_by_label("Constatée le").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enregistrer la situation").click()
    expect(page.get_by_text("Situation enregistrée.")).to_be_visible()  # retried until the next page is there

    page.goto(dashboard)
    assert page.locator("#fig-trainees").inner_text() == "1"
    assert page.locator("#fig-back-to-work-6").inner_text() == "100,0 %"
    assert_accessible(page)
