"""Template filters of the roadmaps pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from filiere.roadmaps.progress import format_number

register = template.Library()


@register.filter
def number(value: Decimal | float | int | None) -> str:
    """A figure written the French way (1 400 000, 12,5), the same in pages, charts and explanations."""
    if value is None or value == "":
        return "—"
    return format_number(value)
