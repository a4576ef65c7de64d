"""Public pages in French and English (hreflang, /en/ prefix, language switch), their 404s, and
the staff pages' access conventions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, UserFactory
from filiere.promotion.models import Entry, EntryKind, EntryStatus
from filiere.showcase.tests.factories import make_firm

from .factories import published_entry, region, regional_admin

pytestmark = pytest.mark.django_db


def _firm(name: str, region_code: str, kind: str = Kind.COMPANY, **fields: Any) -> Any:
    organisation = OrganisationFactory(name=name, kind=kind, **fields)
    EstablishmentFactory(organisation=organisation, region_code=region_code, department_code="33")
    return organisation


@pytest.fixture
def na() -> Any:
    return region()


def test_region_page_shows_published_entries_with_leading_firms_not_drafts(client: Any, na: Any) -> None:
    studio = _firm("Studio Asobo", "75", naf_code="58.21Z")
    entry = published_entry(
        na, EntryKind.EXCELLENCE, "Image et jeu vidéo", organisations=[studio], summary_fr="Bordeaux"
    )
    Entry.objects.create(region=na, kind=EntryKind.STORY, slug="brouillon", title_fr="Brouillon secret")
    _firm("Cluster Digital Aquitaine", "75", Kind.CLUSTER)
    response = client.get("/decouvrir/nouvelle-aquitaine/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Image et jeu vidéo" in html and "Studio Asobo" in html and "Brouillon secret" not in html
    assert "Cluster Digital Aquitaine" in html
    assert f'href="/decouvrir/nouvelle-aquitaine/secteurs/{entry.slug}/"' in html
    assert 'hreflang="en" href="http://testserver/en/decouvrir/nouvelle-aquitaine/"' in html
    assert 'hreflang="fr" href="http://testserver/decouvrir/nouvelle-aquitaine/"' in html
    assert "max-age=300" in response["Cache-Control"]


def test_the_english_address_serves_english_whatever_the_cookie(client: Any, na: Any) -> None:
    published_entry(na, EntryKind.EXCELLENCE, "Cybersécurité", title_en="Cybersecurity")
    client.cookies["django_language"] = "fr"
    response = client.get("/en/decouvrir/nouvelle-aquitaine/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html
    assert "Cybersecurity" in html and "Sectors of excellence" in html
    assert 'href="/en/decouvrir/nouvelle-aquitaine/secteurs/cybersecurite/"' in html
    assert response["Content-Language"] == "en"


def test_french_stays_the_default_and_an_english_cookie_goes_to_the_english_address(
    client: Any, na: Any
) -> None:
    assert '<html lang="fr">' in client.get("/decouvrir/nouvelle-aquitaine/").content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/decouvrir/nouvelle-aquitaine/?x=1")
    assert response.status_code == 302 and response["Location"] == "/en/decouvrir/nouvelle-aquitaine/?x=1"
    # Pages outside i18n_patterns keep following the cookie, unprefixed.
    assert client.get(reverse("events:list")).status_code == 200


def test_the_language_switch_moves_between_the_two_addresses(client: Any, na: Any) -> None:
    # A visitor without the language cookie, on the English address, asks for French.
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/decouvrir/nouvelle-aquitaine/"})
    assert response["Location"] == "/decouvrir/nouvelle-aquitaine/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/decouvrir/nouvelle-aquitaine/"})
    assert response["Location"] == "/en/decouvrir/nouvelle-aquitaine/"
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/decouvrir/nouvelle-aquitaine/"})
    assert response["Location"] == "/decouvrir/nouvelle-aquitaine/"
    assert client.get("/decouvrir/nouvelle-aquitaine/").status_code == 200


def test_unknown_or_unpublished_public_pages_are_404(client: Any, na: Any) -> None:
    Entry.objects.create(region=na, kind=EntryKind.EXCELLENCE, slug="draft", title_fr="Brouillon")
    assert client.get("/decouvrir/atlantide/").status_code == 404
    assert client.get("/decouvrir/nouvelle-aquitaine/secteurs/draft/").status_code == 404
    assert client.get("/decouvrir/nouvelle-aquitaine/marches/inconnu/").status_code == 404
    assert client.get("/en/decouvrir/atlantide/").status_code == 404


def test_excellence_page_links_firms_to_their_showcase_when_published(client: Any, na: Any) -> None:
    shown = make_firm("Pixel Forge", region_code="75", department_code="33")
    plain = _firm("Moteur Libre", "75")
    entry = published_entry(na, EntryKind.EXCELLENCE, "Jeu vidéo", organisations=[shown, plain])
    html = client.get(f"/decouvrir/nouvelle-aquitaine/secteurs/{entry.slug}/").content.decode()
    assert f'href="/vitrine/{shown.pk}/">Pixel Forge' in html
    assert f'href="/annuaire/{plain.pk}/">Moteur Libre' in html or "Moteur Libre" in html


def test_buyer_sector_page_lists_the_regions_firms_serving_that_sector(client: Any) -> None:
    occ = region("76", "Occitanie")
    published_entry(
        occ,
        EntryKind.PITCH,
        "Ferroviaire",
        title_en="Rail engineering",
        buyer_sector="rail",
        summary_en="Safety",
    )
    make_firm("Rail Data", sectors=["rail"])
    make_firm("Santé Data", sectors=["health"])
    make_firm("Rail Ailleurs", sectors=["rail"], region_code="75", department_code="33")
    html = client.get("/en/decouvrir/occitanie/marches/rail/").content.decode()
    assert "Rail engineering" in html and "Rail Data" in html
    # Without a pitch, the page is titled with the sector's English label.
    html = client.get("/en/decouvrir/occitanie/marches/finance/").content.decode()
    assert "Banking, insurance, fintech: the digital offer of Occitanie" in html
    assert "Santé Data" not in html and "Rail Ailleurs" not in html


def test_cluster_page_only_for_a_cluster_of_the_region(client: Any, na: Any) -> None:
    cluster = _firm("Cluster Aquitain", "75", Kind.CLUSTER)
    elsewhere = _firm("Cluster Ailleurs", "76", Kind.CLUSTER)
    company = _firm("Entreprise", "75")
    assert client.get(f"/decouvrir/nouvelle-aquitaine/clusters/{cluster.pk}/").status_code == 200
    assert client.get(f"/decouvrir/nouvelle-aquitaine/clusters/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/decouvrir/nouvelle-aquitaine/clusters/{company.pk}/").status_code == 404


def test_the_sheet_is_one_compact_page_of_the_region(client: Any, na: Any) -> None:
    published_entry(na, EntryKind.CONTACT, "Délégation numérique", email="numerique@example.org")
    html = client.get("/decouvrir/nouvelle-aquitaine/fiche/").content.decode()
    assert "numerique@example.org" in html and "promotion.css" in html


# --- Staff pages --------------------------------------------------------------------------------


def test_staff_pages_follow_the_access_conventions(client: Any, na: Any) -> None:
    entry = Entry.objects.create(region=na, kind=EntryKind.STORY, slug="s", title_fr="Histoire")
    urls = [
        reverse("promotion:manage_region", args=[na.code]),
        reverse("promotion:entry_edit", args=[entry.pk]),
        reverse("promotion:entry_create", args=[na.code, "story"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    client.force_login(regional_admin(region("76", "Occitanie")))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(regional_admin(na))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert client.get(reverse("promotion:entry_create", args=[na.code, "autre"])).status_code == 404


def test_staff_write_submit_and_another_admin_publishes_through_the_pages(client: Any, na: Any) -> None:
    firm = _firm("Studio Bordelais", "75")
    author, reviewer = regional_admin(na), regional_admin(na)
    client.force_login(author)
    response = client.post(
        reverse("promotion:entry_create", args=[na.code, "excellence"]),
        {"title_fr": "Jeu vidéo", "title_en": "Video games", "organisations_text": firm.siren, "order": 0},
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and list(entry.organisations.all()) == [firm]
    client.post(reverse("promotion:entry_action", args=[entry.pk, "soumettre"]))
    client.post(reverse("promotion:entry_action", args=[entry.pk, "publier"]))  # refused: own submission
    assert Entry.objects.get().status == EntryStatus.IN_REVIEW
    client.force_login(reviewer)
    client.post(reverse("promotion:entry_action", args=[entry.pk, "publier"]))
    assert Entry.objects.get().status == EntryStatus.PUBLISHED
    assert "Video games" in client.get("/en/decouvrir/nouvelle-aquitaine/").content.decode()


def test_an_unknown_organisation_is_named_on_the_form_and_nothing_is_written(client: Any, na: Any) -> None:
    client.force_login(regional_admin(na))
    response = client.post(
        reverse("promotion:entry_create", args=[na.code, "excellence"]),
        {"title_fr": "Jeu vidéo", "organisations_text": "123456789\nabc", "order": 0},
    )
    assert response.status_code == 200
    assert "Organisation n° 1 introuvable : « 123456789 »" in response.content.decode()
    assert not Entry.objects.exists()


def test_the_personal_space_links_the_regions_pages_for_its_staff(client: Any, na: Any) -> None:
    client.force_login(regional_admin(na))
    html = client.get(reverse("accounts:space")).content.decode()
    assert reverse("promotion:manage_region", args=[na.code]) in html
    client.force_login(UserFactory())
    assert (
        reverse("promotion:manage_region", args=[na.code])
        not in client.get(reverse("accounts:space")).content.decode()
    )


def test_header_and_footer_link_the_public_pages(client: Any) -> None:
    html = client.get(reverse("core:home")).content.decode()
    assert 'href="/decouvrir/"' in html and 'href="/metiers/"' in html
    with translation.override("en"):
        assert reverse("promotion:region_list") == "/en/decouvrir/"
