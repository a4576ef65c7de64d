"""Template helpers of the observatory: French numbers and download links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from filiere.core.charts import MINUS, format_number

register = template.Library()


@register.filter
def obs_number(value: Any) -> str:
    """A number the French way ("12 345", "3,5"), "—" when missing; text is returned as is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float):
        return format_number(value, decimals=1, minus=MINUS)
    return str(value)


@register.simple_tag
def download_query(params: dict[str, Any], fmt: str, table: str) -> str:
    """The query string of a table's download: the page's parameters plus format and table."""
    pairs = [(k, v) for k, v in params.items() if v not in (None, "")]
    return "?" + urlencode([*pairs, ("format", fmt), ("table", table)], doseq=True)


@register.simple_tag
def obs_table(table: Any, params: dict[str, Any]) -> str:
    """A `tables.Table` as HTML with its download links (built in Python: tables can be long)."""
    from filiere.observatory.tables import table_html

    return table_html(table, params)
