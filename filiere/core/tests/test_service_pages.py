"""The public-service pages (legal notice, accessibility, personal data, contact, site map), the
footer that links them, the region's theme and the error pages, in French and English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from filiere.core.theme import contrast, theme_properties

FOOTER_PAGES = [
    "core:legal_notice",
    "core:accessibility",
    "core:personal_data",
    "core:contact",
    "core:sitemap",
    "core:sources",
]


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_footer_links_every_service_page(client):
    body = client.get(reverse("core:home")).content.decode()
    footer = body[body.index('<footer class="site-footer">') :]
    for name in FOOTER_PAGES:
        assert f'href="{reverse(name)}"' in footer, name
    assert "Accessibilité : partiellement conforme" in footer
    assert reverse("api:openapi-view") in footer


@pytest.mark.django_db
@pytest.mark.parametrize("name", FOOTER_PAGES)
@pytest.mark.parametrize(("language", "marker"), [("fr", 'lang="fr"'), ("en", 'lang="en"')])
def test_service_pages_answer_in_both_languages(client, name, language, marker):
    if language == "en":
        english(client)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert marker in response.content.decode()


@pytest.mark.django_db
def test_pages_are_translated_into_english(client):
    english(client)
    assert "Legal notice" in client.get(reverse("core:legal_notice")).content.decode()
    assert "Accessibility statement" in client.get(reverse("core:accessibility")).content.decode()
    assert "Site map" in client.get(reverse("core:sitemap")).content.decode()


@pytest.mark.django_db
def test_legal_notice_shows_the_operator_from_settings(client, settings):
    settings.OPERATOR_NAME = "Région Bourgogne-Franche-Comté"
    settings.OPERATOR_ADDRESS = "4 square Castan, 25031 Besançon"
    settings.OPERATOR_PUBLICATION_DIRECTOR = "La présidente du conseil régional"
    settings.OPERATOR_HOST = "Hébergeur SAS, 1 rue de l'Exemple, 75000 Paris"
    settings.OPERATOR_EMAIL = "numerique@example.org"
    body = client.get(reverse("core:legal_notice")).content.decode()
    for value in ("Région Bourgogne-Franche-Comté", "4 square Castan", "La présidente", "Hébergeur SAS"):
        assert value in body
    assert 'href="mailto:numerique@example.org"' in body
    assert "Un service proposé par Région Bourgogne-Franche-Comté" in body


@pytest.mark.django_db
def test_unset_operator_is_said_not_hidden(client, settings):
    settings.OPERATOR_NAME = ""
    assert (
        "Non renseigné par l'exploitant du site" in client.get(reverse("core:legal_notice")).content.decode()
    )
    assert "OPERATOR_NAME" in client.get(reverse("core:personal_data")).content.decode()


@pytest.mark.django_db
def test_personal_data_page_names_the_controller_and_the_retention(client, settings):
    settings.OPERATOR_NAME = "Région Grand Est"
    settings.OPERATOR_DPO_EMAIL = "dpo@example.org"
    settings.TALENT_RETENTION_DAYS = 365
    body = client.get(reverse("core:personal_data")).content.decode()
    assert "Région Grand Est" in body and "dpo@example.org" in body
    assert "365 jours" in body
    for topic in ("Consentement", "Journal des accès", "Export", "Effacement"):
        assert topic in body


@pytest.mark.django_db
def test_site_map_links_every_public_page(client):
    body = client.get(reverse("core:sitemap")).content.decode()
    for name in ("organisations:search", "showcase:search", "training:course_search", "talent:home",
                 "needs:campaign_list", "roadmaps:plan_list", "observatory:overview",
                 "territories:region_list", "accounts:login", *FOOTER_PAGES):  # fmt: skip
        assert f'href="{reverse(name)}"' in body, name


# -- theme ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_theme_css_serves_the_region_colour(client, settings):
    settings.SITE_PRIMARY_COLOR = "#2E7D32"
    response = client.get(reverse("core:theme_css"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert "--brand: #2e7d32;" in response.content.decode()
    assert f'href="{reverse("core:theme_css")}?v=2e7d32"' in client.get("/").content.decode()


@pytest.mark.parametrize("color", ["#ffd700", "#00a0e3", "#1d4f91", "#e30613", "#ffffff"])
def test_theme_keeps_links_and_buttons_readable(color):
    properties = theme_properties(color)
    assert contrast(properties["--accent"], "#ffffff") >= 4.5
    assert contrast(properties["--accent"], properties["--on-accent"]) >= 4.5


def test_a_colour_that_is_not_hex_stops_start_up(monkeypatch):
    import importlib

    import filiere.settings

    monkeypatch.setenv("SITE_PRIMARY_COLOR", "blue; } body { display: none")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SITE_PRIMARY_COLOR"):
        importlib.reload(filiere.settings)
    monkeypatch.delenv("SITE_PRIMARY_COLOR")
    importlib.reload(filiere.settings)


@pytest.mark.django_db
def test_logo_shown_when_set(client, settings):
    settings.SITE_LOGO_URL = "/static/region/logo.svg"
    assert '<img src="/static/region/logo.svg" alt="" class="brand-logo">' in client.get("/").content.decode()


# -- error pages ---------------------------------------------------------------------------------


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def forbidden(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def bad(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


# The site's patterns are added, not included: they hold i18n_patterns, which only a root URLconf
# may hold.
from filiere.urls import handler500  # noqa: E402,F401 - the handlers are read from the root URLconf
from filiere.urls import urlpatterns as site_patterns  # noqa: E402

urlpatterns = [
    path("test-500/", crash),
    path("test-403/", forbidden),
    path("test-400/", bad),
    *site_patterns,
]

ERRORS = [
    ("/test-400/", 400, "Requête incorrecte", "Bad request"),
    ("/test-403/", 403, "Accès refusé", "Access denied"),
    ("/nulle-part/", 404, "Page introuvable", "Page not found"),
    ("/test-500/", 500, "Erreur du serveur", "Server error"),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("url", "status", "french", "english_title"), ERRORS)
def test_error_pages_in_french_and_english(url, status, french, english_title):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == status
    assert french in body and 'lang="fr"' in body and 'class="brand"' in body
    response = english(Client(raise_request_exception=False)).get(url)
    assert english_title in response.content.decode() and 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_in_the_layout(client):
    for language, text in (("fr", "Formulaire expiré"), ("en", "Form expired")):
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = csrf_client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
        assert response.status_code == 403
        assert text in response.content.decode() and f'lang="{language}"' in response.content.decode()


# -- demo accounts -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_accounts_page_only_with_debug(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("core:demo_accounts")).status_code == 404
    assert reverse("core:demo_accounts") not in client.get("/").content.decode()
    settings.DEBUG = True
    body = client.get(reverse("core:demo_accounts")).content.decode()
    assert "filiere-demo-2026" in body and "conseiller-nege" in body and "nege-demo-2026" in body


@pytest.mark.django_db
def test_demo_accounts_get_the_documented_password_with_debug(settings):
    from filiere.accounts.models import User
    from filiere.organisations.demo.runner import DEMO_PASSWORD, create_demo_users

    User.objects.create_user("admin", password="forgotten-random")
    settings.DEBUG = True
    accounts = create_demo_users({})
    assert {password for _, password, _ in accounts} == {DEMO_PASSWORD}
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)
    assert all(password is None for _, password, _ in create_demo_users({}))  # nothing to change


@pytest.mark.django_db
def test_header_marks_the_current_section(client):
    body = client.get(reverse("organisations:search")).content.decode()
    assert f'<a href="{reverse("organisations:search")}" aria-current="true">' in body
    assert 'aria-current="true"' not in client.get(reverse("core:home")).content.decode()
