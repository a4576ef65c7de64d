"""The UI shell: home, the public-service pages (legal notice, accessibility, personal data,
contact, site map, sources), the region's theme, error pages and, with DEBUG, the demo accounts.

`core` imports no app: the home page's shortcuts come from the apps that register
`home_shortcuts` (core.home), its figures from those that register a `home_context` (the
directory's regions, `organisations.selectors.home_context`), the demo accounts from those that
register `demo_accounts` (core.registry).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from .home import shortcuts
from .registry import registered
from .theme import theme_css


def home(request: HttpRequest) -> HttpResponse:
    """A search box, the apps' shortcuts (`home_shortcuts`) and what the apps add (`home_context`:
    the directory's per-region cards of active digital establishments and active organisations)."""
    context: dict[str, Any] = {"shortcuts": shortcuts()}
    for _config, home_context in registered("home_context"):
        context.update(home_context())
    return render(request, "core/home.html", context)


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "core/sources.html", {})


def operator() -> dict[str, str]:
    """Who runs the site, from the OPERATOR_* settings (empty strings when not set)."""
    return {
        "name": settings.OPERATOR_NAME,
        "address": settings.OPERATOR_ADDRESS,
        "phone": settings.OPERATOR_PHONE,
        "email": settings.OPERATOR_EMAIL,
        "publication_director": settings.OPERATOR_PUBLICATION_DIRECTOR,
        "host": settings.OPERATOR_HOST,
        "dpo_email": settings.OPERATOR_DPO_EMAIL,
    }


def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notice.html", {"operator": operator()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"operator": operator()})


def personal_data(request: HttpRequest) -> HttpResponse:
    context = {"operator": operator(), "retention_days": settings.TALENT_RETENTION_DAYS}
    return render(request, "core/personal_data.html", context)


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/contact.html", {"operator": operator()})


# The site map: every page reachable without an id, grouped as in the header. Pages that need an
# account say so; their views send visitors to the login page.
SITE_MAP: list[tuple[Any, list[tuple[Any, str, bool]]]] = [
    (
        gettext_lazy("Découvrir la filière"),
        [
            (gettext_lazy("Accueil"), "core:home", False),
            (gettext_lazy("Annuaire de l'écosystème"), "organisations:search", False),
            (gettext_lazy("Territoires"), "territories:region_list", False),
            (gettext_lazy("Observatoire"), "observatory:overview", False),
            (gettext_lazy("Comparer des territoires"), "observatory:compare", False),
            (gettext_lazy("Feuilles de route"), "roadmaps:plan_list", False),
        ],
    ),
    (
        gettext_lazy("Compétences, emploi et formation"),
        [
            (gettext_lazy("Vitrine des compétences"), "showcase:search", False),
            (gettext_lazy("Formations"), "training:course_search", False),
            (gettext_lazy("Carte de l'offre de formation"), "training:offer_map", False),
            (gettext_lazy("Parcours de reconversion"), "training:reconversion", False),
            (gettext_lazy("Emploi et parcours"), "talent:home", False),
            (gettext_lazy("Offres d'emploi"), "talent:offer_list", False),
            (gettext_lazy("Besoins en compétences"), "needs:campaign_list", False),
            (gettext_lazy("Écarts entre besoins et formations"), "needs:gaps", False),
            (gettext_lazy("Extraction de compétences d'un texte"), "matching:extract", False),
        ],
    ),
    (
        gettext_lazy("Accompagnement des entreprises"),
        [
            (gettext_lazy("Services d'accompagnement"), "support:catalogue", False),
            (gettext_lazy("Les services pour mon entreprise"), "support:firm_services", False),
            (gettext_lazy("Carte de l'offre d'accompagnement"), "support:coverage", False),
            (gettext_lazy("Déposer une demande d'accompagnement"), "support:request_new", True),
        ],
    ),
    (
        gettext_lazy("Mon compte"),
        [
            (gettext_lazy("Se connecter"), "accounts:login", False),
            (gettext_lazy("Mon espace"), "accounts:space", True),
            (gettext_lazy("Mes données de demandeur d'emploi"), "talent:my_data", True),
        ],
    ),
    (
        gettext_lazy("À propos du service"),
        [
            (gettext_lazy("Mentions légales"), "core:legal_notice", False),
            (gettext_lazy("Accessibilité : partiellement conforme"), "core:accessibility", False),
            (gettext_lazy("Données personnelles"), "core:personal_data", False),
            (gettext_lazy("Contact"), "core:contact", False),
            (gettext_lazy("Sources et licences des données"), "core:sources", False),
            (gettext_lazy("Documentation de l'API"), "api:openapi-view", False),
            (gettext_lazy("Plan du site"), "core:sitemap", False),
        ],
    ),
]


def sitemap(request: HttpRequest) -> HttpResponse:
    from django.urls import NoReverseMatch, reverse

    sections = []
    for title, pages in SITE_MAP:
        links = []
        for label, name, needs_account in pages:
            try:
                links.append({"label": label, "url": reverse(name), "needs_account": needs_account})
            except NoReverseMatch:  # a page an app no longer has: leave it out, never a 500
                continue
        sections.append({"title": title, "links": links})
    return render(request, "core/sitemap.html", {"sections": sections})


@require_GET
@cache_control(max_age=86400, public=True)
def theme(request: HttpRequest) -> HttpResponse:
    """The region's colours as CSS custom properties (a stylesheet, so the CSP needs no inline style)."""
    return HttpResponse(theme_css(settings.SITE_PRIMARY_COLOR), content_type="text/css; charset=utf-8")


def demo_accounts(request: HttpRequest) -> HttpResponse:
    """The demo accounts and their password, on a development site only (DEBUG)."""
    if not settings.DEBUG:
        raise Http404
    rows = [row for _config, accounts in registered("demo_accounts") for row in accounts()]
    emails = dict(
        get_user_model().objects.filter(username__in=[r[0] for r in rows]).values_list("username", "email")
    )
    accounts = [
        {"username": u, "email": emails.get(u, ""), "password": p, "label": lbl, "exists": u in emails}
        for u, p, lbl in rows
    ]
    return render(request, "core/demo_accounts.html", {"accounts": accounts})


# -- error pages (handlers in filiere/urls.py, CSRF_FAILURE_VIEW in settings) -----------------


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (often: an expired session or blocked cookies)."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", {}, request))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request's context: no context processor, no session,
    no database query may run while the site is failing. The language is already active."""
    context = {"SITE_NAME": settings.SITE_NAME}
    try:
        body = loader.render_to_string("500.html", context)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = f"<!doctype html><title>500</title><h1>{escape(_('Erreur du serveur'))}</h1>"
    return HttpResponseServerError(body)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, reading the page to return to in the language of its address.

    Django translates `next` by resolving it in the language active for the switch request (the
    cookie's), so `/en/…` chosen by a visitor without the English cookie would not resolve and the
    visitor would stay on the English address. Resolving it in the language of its own prefix
    (French when unprefixed) sends them to the same page in the language they chose.
    """
    next_url = request.POST.get("next", request.GET.get("next", "")) or ""
    source = translation.get_language_from_path(urlsplit(next_url).path) or settings.LANGUAGE_CODE
    with translation.override(source):
        return django_set_language(request)
