"""Charts of the observatory as inline SVG drawn on the server (no JavaScript, printable).

Each chart is an image (`role="img"`) whose title says what it shows and whose description
points to the data table that follows it on the page: the table is the text alternative.
Colours: Okabe-Ito (colour-blind safe), each with at least 4.5:1 on white, and the series also
differ by marker shape so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from filiere.territories.maps import format_value

#: Okabe-Ito hues darkened to reach 4.5:1 on white.
COLOURS = ("#000091", "#a33b00", "#006b4f", "#8a3a74", "#4d4d4d", "#0b5c8a")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _head(uid: str, title: str, width: int, height: int, table_id: str) -> list[str]:
    description = _("Les données figurent dans le tableau qui suit.") if table_id else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>',
    ]


def _marker(kind: str, x: float, y: float, colour: str, tip: str) -> str:
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


def line_chart_svg(
    *,
    title: str,
    years: Sequence[int],
    series: Mapping[str, Mapping[int, float | None]],
    unit: str = "",
    uid: str = "chart",
    table_id: str = "",
    width: int = 680,
    height: int = 280,
) -> SafeString:
    """Lines by year, one per named series (legend on top), y axis from zero."""
    parts = _head(uid, title, width, height, table_id)
    numbers = [float(v) for values in series.values() for v in values.values() if v is not None]
    if not years or not numbers:
        empty = _("Pas encore de données")
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#3a3a3a">{escape(empty)}</text></svg>'
        )
        return mark_safe("".join(parts))
    left, right, top, bottom = 78, 18, 34 + 18 * ((len(series) - 1) // 3), 30
    plot_w, plot_h = width - left - right, height - top - bottom
    low = min(0.0, min(numbers))
    step = _nice_step(max(numbers) - low)
    high = step * (int(max(numbers) / step) + 1) if max(numbers) > 0 else step
    if low < 0:
        low = -step * (int(-low / step) + 1)
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        return left + (year - first) / ((last - first) or 1) * plot_w if last != first else left + plot_w / 2

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    tick = low
    while tick <= high + step / 1000:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#dddddd"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="#3a3a3a">'
            f"{escape(format_value(tick))}</text>"
        )
        tick += step
    label_every = max(1, len(years) // 10)
    for index, year in enumerate(years):
        if index % label_every == 0 or year == last:
            parts.append(
                f'<text x="{x(year):.1f}" y="{height - 10}" text-anchor="middle" font-size="12" fill="#3a3a3a">'
                f"{year}</text>"
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#6a6a6a"/>'
    )
    for index, (name, values) in enumerate(series.items()):
        colour, marker = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        points = [(year, float(values[year])) for year in years if values.get(year) is not None]
        if len(points) > 1:
            coords = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for year, value in points:
            tip = f"{name} {year} : {format_value(value)} {unit}".strip()
            parts.append(_marker(marker, x(year), y(value), colour, tip))
        lx, ly = left + (index % 3) * 200, 16 + 18 * (index // 3)
        parts.append(_marker(marker, lx + 6, ly - 4, colour, name))
        parts.append(f'<text x="{lx + 16}" y="{ly}" font-size="12" fill="#161616">{escape(name[:30])}</text>')
    if unit:
        parts.append(
            f'<text x="{width - right}" y="16" text-anchor="end" font-size="12" fill="#3a3a3a">{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart_svg(
    *,
    title: str,
    bars: Sequence[tuple[str, float]],
    unit: str = "",
    uid: str = "bars",
    table_id: str = "",
    width: int = 680,
) -> SafeString:
    """Horizontal bars, one per (label, value), longest first as given."""
    height = 20 + 26 * max(len(bars), 1)
    parts = _head(uid, title, width, height, table_id)
    if not bars:
        empty = _("Pas encore de données")
        parts.append(
            f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" fill="#3a3a3a">{escape(empty)}</text>'
            "</svg>"
        )
        return mark_safe("".join(parts))
    label_w, value_w = 300, 90
    top = max(float(v) for _l, v in bars) or 1.0
    for index, (label, value) in enumerate(bars):
        y = 10 + index * 26
        length = (width - label_w - value_w) * float(value) / top
        short = label if len(label) <= 46 else label[:45] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="#161616">{escape(short)}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="16" fill="{COLOURS[0]}">'
            f"<title>{escape(label)} : {escape(format_value(value))} {escape(unit)}</title></rect>"
            f'<text x="{label_w + length + 6:.1f}" y="{y + 15}" font-size="12" fill="#161616">'
            f"{escape(format_value(value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
