"""What every chart shares: the `Chart` pair (SVG + data table), the data table itself, the
SVG head with its title and description, the empty chart, the value axis and the point markers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .colours import TEXT_COLOUR
from .numbers import format_number, format_x


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its data table; `{{ chart }}` in a template renders both."""

    svg: SafeString
    table: SafeString
    extra: dict[str, str] = field(default_factory=dict)

    def __html__(self) -> str:
        return self.svg + self.table

    def __str__(self) -> str:
        return self.__html__()


def data_table(
    *,
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[int] = (),
    table_id: str = "",
    empty_text: str = "—",
    css_class: str = "chart-data",
) -> SafeString:
    """An HTML table (escaped) with a caption and column headers; `numeric` columns align right
    and numbers in them are written the French way."""
    numeric_columns = set(numeric)
    head = "".join(
        format_html('<th scope="col"{}>{}</th>', mark_safe(' class="num"') if i in numeric_columns else "", h)
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
                text = format_number(value)
            elif isinstance(value, dt.date):
                text = format_x(value)
            else:
                text = "" if value is None else str(value)
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            cls = ' class="num"' if i in numeric_columns else ""
            cells.append(f"<{tag}{scope}{cls}>{escape(text)}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}">{escape(empty_text)}</td></tr>')
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return mark_safe(
        f'<table class="{escape(css_class)}"{ident}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def value_scale(numbers: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a value axis that starts at 0 or below and ends on a round number."""
    low = min(0.0, min(numbers))
    top = max(numbers)
    step = nice_step(top - low)
    high = step * (int(top / step) + 1) if top > 0 else step
    if low < 0:
        low = -step * (int(-low / step) + 1)
    return low, high, step


def svg_head(uid: str, width: int, height: int, title: str, description: str) -> str:
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>'
    )


def empty_svg(head: str, width: int, height: int, text: str) -> SafeString:
    return mark_safe(
        f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{TEXT_COLOUR}">'
        f"{escape(text)}</text></svg>"
    )


def marker(kind: str, x: float, y: float, colour: str, tip: str) -> str:
    """A filled point marker (circle, square, diamond or triangle) with its tooltip."""
    inner = f"<title>{escape(tip)}</title>"
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{inner}</rect>'
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" '
            f'fill="{colour}">{inner}</polygon>'
        )
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
            f'fill="{colour}">{inner}</polygon>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{inner}</circle>'
