import html
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from filiere.core.home import Shortcut, shortcuts
from filiere.core.registry import registered
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, RegionFactory


@pytest.mark.django_db
def test_home_counts_digital_establishments_and_organisations_per_region(client):
    RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    RegionFactory(code="76", name="Occitanie")
    org = OrganisationFactory(name="Cité Numérique")
    EstablishmentFactory(organisation=org)
    EstablishmentFactory(organisation=org, siret="12345678900099", is_head_office=False)
    EstablishmentFactory(organisation__is_digital=False, organisation__naf_code="10.71C")
    EstablishmentFactory(closed=True)
    EstablishmentFactory(region_code="76", department_code="34")
    response = client.get(reverse("core:home"))
    regions = {r.code: r for r in response.context["regions"]}
    assert (regions["27"].digital_establishments, regions["27"].organisations) == (2, 2)
    assert (regions["76"].digital_establishments, regions["76"].organisations) == (1, 1)
    body = response.content.decode()
    assert "Occitanie" in body and "/annuaire/?region=76" in body
    assert f'action="{reverse("organisations:search")}"' in body


# -- shortcuts: each app registers its own (`home_shortcuts`, core.home) -------------------------

# Registered by the test that sets it as an app's `home_shortcuts` (Beta before Alpha: the tie is
# broken by the label, not by the list).
EXTRA_SHORTCUTS = [
    Shortcut("Zeta dernier raccourci", "Enregistré par un test.", "core:contact", 10_000),
    Shortcut("Beta à égalité", "Enregistré par un test.", "core:sitemap", 1),
    Shortcut("Alpha premier raccourci", "Enregistré par un test.", "core:sources", 1),
]


def rendered_shortcuts(client) -> list[tuple[str, str, str]]:
    """(href, label, description) of each card of the home page's `ul.shortcuts`, in page order."""
    body = client.get(reverse("core:home")).content.decode()
    block = re.search(r'<ul class="shortcuts">(.*?)</ul>', body, re.S)
    assert block, "no ul.shortcuts on the home page"
    cards = re.findall(
        r'<li><a href="([^"]+)"><strong>(.*?)</strong><span>(.*?)</span></a></li>', block.group(1), re.S
    )
    assert len(cards) == block.group(1).count("<li>"), "a card not in the expected markup"
    return [(html.unescape(href), html.unescape(label), html.unescape(text)) for href, label, text in cards]


@pytest.mark.django_db
def test_home_lists_every_registered_shortcut_and_each_opens_for_an_anonymous_visitor(client):
    apps_registering = [config.label for config, _listed in registered("home_shortcuts")]
    assert len(apps_registering) >= 10, "the apps register their home shortcuts in their AppConfig"
    expected = [(reverse(s.url_name), str(s.label), str(s.description)) for s in shortcuts()]
    cards = rendered_shortcuts(client)
    assert cards == expected
    for href, label, _description in cards:
        response = Client().get(href)  # a new anonymous visitor for each page
        assert response.status_code == 200, f"{label} ({href}) answered {response.status_code} anonymously"


@pytest.mark.django_db
def test_an_apps_registered_shortcut_shows_up_on_the_home_page(client):
    cards = rendered_shortcuts(client)
    events = (reverse("events:list"), "Événements", "Ateliers, salons et rencontres de la filière à venir.")
    assert events in cards
    # The network's daily life is there, each from its own app.
    hrefs = {href for href, _label, _text in cards}
    assert {"/accompagnement/", "/evenements/", "/besoins/ecarts/", "/consultations/", "/decouvrir/"} <= hrefs


@pytest.mark.django_db
def test_home_shortcuts_are_in_english_for_an_english_visitor(client):
    client.cookies["django_language"] = "en"
    cards = rendered_shortcuts(client)
    assert ("/evenements/", "Events") in [(href, label) for href, label, _text in cards]
    # Every description translated in its app's catalogue (labels may be the same word: Consultations).
    with translation.override("fr"):
        french = {str(s.description) for s in shortcuts()}
    assert len(cards) == len(french)
    assert [text for _href, _label, text in cards if text in french] == []


@pytest.mark.django_db
def test_home_shortcuts_follow_their_order_then_their_label(client, monkeypatch):
    cards = rendered_shortcuts(client)
    orders = {reverse(s.url_name): s.order for s in shortcuts()}
    assert [orders[href] for href, _label, _text in cards] == sorted(orders.values())
    assert cards[0][0] == reverse("organisations:search")  # the directory first, as before

    monkeypatch.setattr(
        apps.get_app_config("events"),
        "home_shortcuts",
        "filiere.core.tests.test_home.EXTRA_SHORTCUTS",
        raising=False,
    )
    labels = [label for _href, label, _text in rendered_shortcuts(client)]
    assert labels[:2] == ["Alpha premier raccourci", "Beta à égalité"]
    assert labels[-1] == "Zeta dernier raccourci"
    assert "Événements" not in labels  # the app's own list was replaced by this module's
    assert len(labels) == len(cards) - 1 + len(EXTRA_SHORTCUTS)
