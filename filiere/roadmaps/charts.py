"""Target-vs-actual charts as inline SVG drawn on the server: no JavaScript, printable, and the
page always carries the same data as a table (the chart's text alternative)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from filiere.roadmaps.progress import format_number

ACTUAL_COLOUR = "#000091"  # 14.8:1 on white
TARGET_COLOUR = "#a33b00"  # 6.6:1 on white
BASELINE_COLOUR = "#555555"
Point = tuple[dt.date, Decimal]


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def indicator_chart_svg(
    *,
    title: str,
    baseline: Point | None,
    targets: Sequence[Point],
    values: Sequence[Point],
    unit: str = "",
    width: int = 640,
    height: int = 260,
    uid: str = "chart",
    table_id: str = "",
) -> SafeString:
    """An SVG line chart: targets dashed, measured values solid, the baseline as a grey dot."""
    points = [*targets, *values, *([baseline] if baseline else [])]
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    description = _("Cibles (tirets) et valeurs mesurées (trait plein).")
    if table_id:
        description += " " + _("Les données figurent dans le tableau qui suit.")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>'
    )
    if not points:
        empty = escape(_("Pas encore de données"))
        return mark_safe(
            f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#555">{empty}</text></svg>'
        )
    left, right, top, bottom = 72, 16, 30, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    days = [p[0].toordinal() for p in points]
    d0, d1 = min(days), max(days)
    if d0 == d1:
        d0, d1 = d0 - 180, d1 + 180
    numbers = [float(p[1]) for p in points]
    low = min(0.0, min(numbers))
    step = _nice_step(max(numbers) - low)
    high = step * (int(max(numbers) / step) + 1) if max(numbers) > 0 else step
    if low < 0:
        low = -step * (int(-low / step) + 1)

    def x(day: dt.date) -> float:
        return round(left + (day.toordinal() - d0) / (d1 - d0) * plot_w, 1)

    def y(value: Decimal | float) -> float:
        return round(top + plot_h - (float(value) - low) / (high - low) * plot_h, 1)

    parts = [head]
    tick = low
    while tick <= high + step / 1000:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick)}" y2="{y(tick)}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(format_number(Decimal(str(tick))))}</text>"
        )
        tick += step
    for year in range(dt.date.fromordinal(d0).year, dt.date.fromordinal(d1).year + 2):
        jan = dt.date(year, 1, 1)
        if d0 <= jan.toordinal() <= d1:
            parts.append(
                f'<line x1="{x(jan)}" x2="{x(jan)}" y1="{top}" y2="{top + plot_h}" stroke="#eee"/>'
                f'<text x="{x(jan)}" y="{height - 8}" text-anchor="middle" font-size="12" fill="#333">{year}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#888"/>'
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#888"/>'
    )

    def series(points: Sequence[Point], colour: str, dashed: bool, label: str) -> None:
        if not points:
            return
        coords = " ".join(f"{x(d)},{y(v)}" for d, v in points)
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for d, v in points:
            tip = escape(f"{label} {d:%d/%m/%Y} : {format_number(v)} {unit}".strip())
            shape = (
                f'<rect x="{x(d) - 4}" y="{y(v) - 4}" width="8" height="8" fill="#fff" stroke="{colour}" stroke-width="2">'
                if dashed
                else f'<circle cx="{x(d)}" cy="{y(v)}" r="4.5" fill="{colour}">'
            )
            closing = "</rect>" if dashed else "</circle>"
            parts.append(f"{shape}<title>{tip}</title>{closing}")

    # The target path starts from the baseline so one sees the trajectory asked for.
    series([baseline, *targets] if baseline and targets else targets, TARGET_COLOUR, True, _("Cible"))
    actual = [baseline, *values] if baseline else list(values)
    series(actual, ACTUAL_COLOUR, False, _("Mesure"))
    if baseline:
        parts.append(
            f'<circle cx="{x(baseline[0])}" cy="{y(baseline[1])}" r="5" fill="{BASELINE_COLOUR}">'
            f"<title>{escape(_('Référence'))} {baseline[0]:%d/%m/%Y} : {escape(format_number(baseline[1]))}</title></circle>"
        )
    legend = [
        (ACTUAL_COLOUR, "", _("Valeurs mesurées")),
        (TARGET_COLOUR, ' stroke-dasharray="6 4"', _("Cibles")),
    ]
    lx = left
    for colour, dash, label in legend:
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="12" y2="12" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{lx + 30}" y="16" font-size="12" fill="#161616">{escape(label)}</text>'
        )
        lx += 40 + len(label) * 7
    if unit:
        parts.append(
            f'<text x="{width - right}" y="16" text-anchor="end" font-size="12" fill="#333">{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
