"""French first: the site speaks French unless the visitor chose another language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class FrenchFirstLocaleMiddleware:
    """Activate the language chosen with the language selector (its cookie), else French.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
    browser would get the English interface unasked; a French public platform answers in French
    and offers English as a choice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RejectNullCharactersMiddleware:
    """Answer 400 (422 in JSON on the API) when a query parameter holds a NUL character.

    PostgreSQL text cannot hold NUL, so a filter such as `?region=%00` would end in a server
    error there (SQLite accepts it). Django's form fields already refuse NUL; this catches the
    parameters read without a form, before any query runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = next(
            (key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)),
            None,
        )
        if bad is None:
            return self.get_response(request)
        message = _("Le paramètre « %(name)s » contient un caractère nul.") % {
            "name": bad.replace("\x00", "")
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
