"""The roadmap journeys in real Chromium (Debian's, driven by Playwright), with axe-core checks.

Must-show 8: open the Nouvelle-Aquitaine roadmap → an indicator → enter a measured value as the
region's administrator → see the progress and the chart change → export the plan to XLSX.
Must-show 7: every page of the journey, and the editing pages, have no serious or critical
accessibility violation (axe-core 4.12).
Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect

from filiere.core.testing import assert_accessible
from filiere.roadmaps.demo import load_roadmaps_demo
from filiere.roadmaps.models import Action, Plan

from .factories import RegionalRoleFactory, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NA_TITLE = "Feuille de route de soutien à l'économie numérique 2018-2021"
FIBRE = "Foyers et entreprises raccordables à la fibre (RIP)"


def _signed_in_page(context, live_server):
    for code in ("27", "44", "75"):
        region(code)
    load_roadmaps_demo()
    admin = RegionalRoleFactory(region=region("75")).user
    client = Client()
    client.force_login(admin)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_enter_value_see_progress_and_chart_change_and_export(browser_context, live_server):
    page = _signed_in_page(browser_context, live_server)

    page.goto(live_server.url + "/feuilles-de-route/")
    assert_accessible(page)
    page.get_by_role("link", name=NA_TITLE).click()
    # A click does not wait for the next page: `expect` retries until it is there (`count()`
    # read at once, it saw the page still loading under load in CI).
    expect(page.locator("h2", has_text="4 ambitions")).to_have_count(1)
    page.wait_for_load_state()
    assert_accessible(page)
    plan_bar = page.locator("#plan-summary-chart rect title", has_text=FIBRE)
    assert plan_bar.text_content() == f"{FIBRE} : 34 %"
    page.get_by_role("link", name=FIBRE).first.click()

    progress = page.locator("#indicator-progress .pct")
    assert progress.inner_text() == "34 %"
    page.wait_for_load_state()  # the indicator's page is the current document: all of it
    assert_accessible(page)
    chart = page.locator("svg.chart")
    points = chart.locator("circle").count()
    assert chart.locator("circle title", has_text="30/06/2021").count() == 0
    page.get_by_label("Date de la mesure").fill("2021-06-30")
    page.get_by_role("textbox", name="Valeur").fill("900 000")
    page.get_by_label("Source").fill("SPL Nouvelle-Aquitaine THD")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Valeur enregistrée.").is_visible()
    assert progress.inner_text() == "64 %"
    # The chart has one more measured point, at the date entered, and the table says the same.
    assert chart.locator("circle").count() == points + 1
    assert chart.locator("circle title", has_text="Mesure 30/06/2021 : 900\u202f000 prises").count() == 1
    assert page.locator("#indicator-data").get_by_text("SPL Nouvelle-Aquitaine THD").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="← Feuille de route").click()
    assert plan_bar.text_content() == f"{FIBRE} : 64 %"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter en XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook["Indicateurs"].iter_rows(values_only=True))
    assert (FIBRE, "Mesure", 900000, "SPL Nouvelle-Aquitaine THD") in [(r[0], r[7], r[9], r[5]) for r in rows]
    assert workbook["Actions"].max_row == 1 + 21


def test_editing_pages_are_accessible_and_work_without_errors(browser_context, live_server):
    page = _signed_in_page(browser_context, live_server)
    plan = Plan.objects.get(title=NA_TITLE)
    action = Action.objects.get(title="Chèque transformation numérique")
    indicator = plan.indicators.get(name=FIBRE)
    base = live_server.url + "/feuilles-de-route"

    page.goto(f"{base}/{plan.pk}/structure/")
    assert_accessible(page)
    # Reordering with HTMX swaps the structure in place.
    first_objective = page.locator(".rm-objective h3").first
    before = first_objective.inner_text()
    page.get_by_role(
        "button", name="Descendre « Une région qui rayonne et qui attire par le numérique »"
    ).click()
    page.locator(".rm-axis h2").first.filter(has_text="Une économie boostée").wait_for()
    assert page.locator(".rm-objective h3").first.inner_text() != before

    for path in (
        f"/{plan.pk}/modifier/",
        "/nouveau/",
        f"/{plan.pk}/indicateurs/ajouter/",
        f"/indicateurs/{indicator.pk}/modifier/",
        f"/actions/{action.pk}/",
        f"/action/{action.pk}/supprimer/",
        f"/{plan.pk}/historique/",
        f"/{plan.pk}/import/",
    ):
        page.goto(base + path)
        assert_accessible(page)

    page.goto(f"{base}/actions/{action.pk}/modifier/")
    assert_accessible(page)
    page.locator("#id_budget_planned").fill("-3")
    page.locator("#id_owner_text").fill("Entreprise inconnue")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Le montant ne peut pas être négatif.").is_visible()
    assert page.get_by_text(
        "Organisation inconnue dans l'annuaire : « Entreprise inconnue »", exact=False
    ).is_visible()
    assert_accessible(page)  # the page with its error messages
