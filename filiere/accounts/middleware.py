"""Per-request memory of the rights facts (`permissions.facts_kept_for_request`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .permissions import facts_kept_for_request


class PermissionFactsMiddleware:
    """A person's memberships and regional roles are read at most once per request (until one is
    written): pages that ask many rights questions (the personal space) stop repeating queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with facts_kept_for_request():
            return self.get_response(request)
