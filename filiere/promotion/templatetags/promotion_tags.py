"""Alternate-language links (hreflang) and share links for the public region pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def alternates(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(language, absolute URL) of the current page in every language, French first."""
    request = context["request"]
    return [
        (code, request.build_absolute_uri(translate_url(request.get_full_path(), code)))
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def share_links(context: dict[str, Any], title: str) -> list[tuple[str, str]]:
    """(network, URL) to share the current page: by e-mail and on LinkedIn."""
    url = context["request"].build_absolute_uri()
    return [
        ("mail", f"mailto:?subject={quote(title)}&body={quote(url)}"),
        ("linkedin", f"https://www.linkedin.com/sharing/share-offsite/?url={quote(url, safe='')}"),
    ]


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
