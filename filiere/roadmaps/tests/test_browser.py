"""The roadmap journey in real Chromium (Debian's, driven by Playwright).

Open the Nouvelle-Aquitaine roadmap → an indicator → enter a measured value as the region's
administrator → see the progress and the chart change → export the plan to XLSX.
Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from filiere.roadmaps.demo import load_roadmaps_demo

from .factories import RegionalRoleFactory, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_value_see_progress_and_export(browser_context, live_server):
    context = browser_context
    for code in ("27", "44", "75"):
        region(code)
    load_roadmaps_demo()
    admin = RegionalRoleFactory(region=region("75")).user
    client = Client()
    client.force_login(admin)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(live_server.url + "/feuilles-de-route/")
    page.get_by_role("link", name="Feuille de route de soutien à l'économie numérique 2018-2021").click()
    assert page.locator("h2", has_text="4 ambitions").count() == 1
    page.get_by_role("link", name="Foyers et entreprises raccordables à la fibre (RIP)").first.click()

    progress = page.locator("#indicator-progress .pct")
    assert progress.inner_text() == "34 %"
    points = page.locator("svg.chart circle").count()
    page.get_by_label("Date de la mesure").fill("2021-06-30")
    page.get_by_role("textbox", name="Valeur").fill("900 000")
    page.get_by_label("Source").fill("SPL Nouvelle-Aquitaine THD")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Valeur enregistrée.").is_visible()
    assert progress.inner_text() == "64 %"
    assert page.locator("svg.chart circle").count() == points + 1
    assert page.locator("#indicator-data").get_by_text("SPL Nouvelle-Aquitaine THD").is_visible()

    page.get_by_role("link", name="← Feuille de route").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter en XLSX").click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    rows = list(workbook["Indicateurs"].iter_rows(values_only=True))
    assert ("Mesure", 900000) in [(r[7], r[9]) for r in rows]
    assert workbook["Actions"].max_row == 1 + 21
