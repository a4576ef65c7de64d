"""In real Chromium: a visitor reads a region page in English, follows a sector of excellence to a
leading firm's showcase page, then the region's occupations to an occupation page; every public
page passes axe in French and English, fits a phone's width, and the sheet prints on one A4 page.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from filiere.core.testing import assert_accessible, overflowing_elements
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory
from filiere.promotion import occupations
from filiere.promotion.models import EntryKind
from filiere.showcase.models import Sector
from filiere.showcase.sectors import sync_sectors
from filiere.showcase.tests.factories import make_firm
from filiere.taxonomy.models import EscoOccupation, RomeMetier

from .factories import published_entry, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict[str, Any]:
    sync_sectors(Sector)  # a transactional test's flush empties the rows migrations loaded
    na = region()
    region("76", "Occitanie")
    RomeMetier.objects.create(code="M1805", label="Développeur / Développeuse informatique")
    EscoOccupation.objects.create(uri=occupations.ESCO_FOR_ROME["M1805"], label_en="software developer")
    studio = make_firm("Studio Pixel Bordeaux", region_code="75", department_code="33", sectors=["rail"])
    cluster = OrganisationFactory(name="Cluster Images Aquitaine", kind=Kind.CLUSTER)
    EstablishmentFactory(organisation=cluster, region_code="75", department_code="33")
    published_entry(
        na, EntryKind.INTRO, "Une région qui rayonne", title_en="A region that shines",
        summary_fr="60 000 emplois du numérique.", summary_en="60,000 digital jobs.",
    )  # fmt: skip
    published_entry(
        na, EntryKind.EXCELLENCE, "Image et jeu vidéo", title_en="Image and video games",
        summary_fr="Bordeaux et Angoulême.", summary_en="Bordeaux and Angoulême.", organisations=[studio],
        occupation_code="M1805",
    )  # fmt: skip
    published_entry(
        na,
        EntryKind.PORTRAIT,
        "Inès, développeuse",
        title_en="Inès, software developer",
        occupation_code="M1805",
    )
    published_entry(na, EntryKind.CONTACT, "Délégation numérique", email="numerique@example.org")
    published_entry(na, EntryKind.PITCH, "Ferroviaire", title_en="Rail", buyer_sector="rail")
    return {"studio": studio, "cluster": cluster}


def test_an_english_visitor_goes_from_the_region_to_a_firm_and_an_occupation(
    browser_context: Any, site: str
) -> None:
    world = _world()
    page = browser_context.new_page()
    page.goto(site + "/en/decouvrir/nouvelle-aquitaine/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Digital industry in Nouvelle-Aquitaine"
    assert (
        page.locator('link[hreflang="fr"]').get_attribute("href") == site + "/decouvrir/nouvelle-aquitaine/"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Image and video games").click()
    page.wait_for_url("**/en/decouvrir/nouvelle-aquitaine/secteurs/image-et-jeu-video/")
    assert_accessible(page)
    page.get_by_role("link", name="Studio Pixel Bordeaux").click()
    page.wait_for_url(f"**/vitrine/{world['studio'].pk}/")
    assert "Studio Pixel Bordeaux" in page.get_by_role("heading", level=1).inner_text()

    page.goto(site + "/en/decouvrir/nouvelle-aquitaine/")
    page.get_by_role("link", name="Discover the jobs").click()
    page.wait_for_url("**/en/metiers/?region=75")
    assert_accessible(page)
    page.get_by_role("link", name="Software developer").click()
    page.wait_for_url("**/en/metiers/M1805/?region=75")
    assert page.get_by_role("heading", level=1).inner_text() == "Software developer"
    assert "Inès, software developer" in page.content()
    assert_accessible(page)

    # The language switch keeps the page: back to the French address.
    page.get_by_label("Language").select_option("fr")
    page.wait_for_url(site + "/metiers/M1805/?region=75")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Développeur / Développeuse informatique"


def test_public_pages_pass_axe_in_both_languages_and_fit_a_phone(browser_context: Any, site: str) -> None:
    world = _world()
    page = browser_context.new_page()
    paths = [
        "/decouvrir/",
        "/decouvrir/nouvelle-aquitaine/",
        "/decouvrir/nouvelle-aquitaine/fiche/",
        "/decouvrir/nouvelle-aquitaine/secteurs/image-et-jeu-video/",
        "/decouvrir/nouvelle-aquitaine/marches/rail/",
        f"/decouvrir/nouvelle-aquitaine/clusters/{world['cluster'].pk}/",
        "/metiers/",
        "/metiers/M1805/?region=75",
        "/metiers/quiz/?interet=10&interet=29",
    ]
    page.set_viewport_size({"width": 390, "height": 800})
    for path in paths:
        for prefix in ("", "/en"):
            response = page.goto(site + prefix + path)
            assert response is not None and response.status == 200, prefix + path
            assert_accessible(page)
            assert not overflowing_elements(page), (prefix + path, overflowing_elements(page))


def test_the_sheet_prints_on_one_a4_page(browser_context: Any, site: str) -> None:
    _world()
    page = browser_context.new_page()
    page.goto(site + "/en/decouvrir/nouvelle-aquitaine/fiche/")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert pdf.startswith(b"%PDF")
