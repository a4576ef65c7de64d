"""French first: the site speaks French unless the visitor chose another language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers


class FrenchFirstLocaleMiddleware:
    """Activate the language of the URL's prefix (`/en/…`), else the one chosen with the language
    selector (its cookie), else French.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
    browser would get the English interface unasked; a French public platform answers in French
    and offers English as a choice. Public pages that are meant to be shared in English (the
    region pages, `i18n_patterns` in filiere/urls.py) also answer under `/en/`, with French
    unprefixed; a visitor who chose English and opens the French address of such a page is
    redirected to its `/en/` address, as LocaleMiddleware does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from_path = translation.get_language_from_path(request.path_info)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = from_path or (chosen if chosen in self.supported else settings.LANGUAGE_CODE)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if response.status_code == 404 and not from_path and language != settings.LANGUAGE_CODE:
            prefixed = f"/{language}{request.path_info}"
            if is_valid_path(prefixed, getattr(request, "urlconf", None)):
                response = HttpResponseRedirect(
                    request.get_full_path().replace(request.path_info, prefixed, 1)
                )
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
