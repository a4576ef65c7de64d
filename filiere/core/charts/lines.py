"""Line charts: `line_chart` (dated or labelled points, one line per `Series`),
`target_actual_chart` (an indicator's targets dashed, measured values solid, from a baseline) and
`yearly_line_svg` (one value per year and named series, the observatory's time series)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .base import Chart, data_table, empty_svg, marker, svg_head, value_scale
from .colours import (
    ACTUAL_COLOUR,
    AXIS_COLOUR,
    BASELINE_COLOUR,
    GRID_COLOUR,
    MARKERS,
    OKABE_ITO,
    TARGET_COLOUR,
    TEXT_COLOUR,
)
from .numbers import MINUS, Number, X, format_number, format_x

Point = tuple[X, Number]


@dataclass(frozen=True)
class Series:
    """One line of a chart: its label (tooltips, table), its points, and how it looks.
    `legend` names the series in the legend when it differs from the points' label
    (points "Cible", legend "Cibles")."""

    label: str
    points: Sequence[Point]
    colour: str = ACTUAL_COLOUR
    dashed: bool = False
    marker: Literal["circle", "square", "none"] = "circle"
    legend: str = ""


def line_svg(
    *,
    title: str,
    description: str,
    series: Sequence[Series],
    unit: str = "",
    empty_text: str = "",
    width: int = 640,
    height: int = 260,
    uid: str = "chart",
    highlight: Point | None = None,
    highlight_label: str = "",
) -> SafeString:
    """The SVG of a line chart. Dates go on a time axis (ticks on 1 January), labels evenly spaced.

    `highlight` draws one extra grey dot (a baseline, a reference point) labelled `highlight_label`.
    """
    head = svg_head(uid, width, height, title, description)
    points = [p for s in series for p in s.points] + ([highlight] if highlight else [])
    if not points:
        return empty_svg(head, width, height, empty_text)
    left, right, top, bottom = 72, 16, 30, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    dated = all(isinstance(p[0], dt.date) for p in points)
    if dated:
        days = [p[0].toordinal() for p in points]  # type: ignore[union-attr]
        d0, d1 = min(days), max(days)
        if d0 == d1:
            d0, d1 = d0 - 180, d1 + 180
        categories: list[str] = []
    else:
        categories = list(dict.fromkeys(format_x(p[0]) for p in points))
        d0, d1 = 0, max(1, len(categories) - 1)

    def x(position: X) -> float:
        if dated:
            offset = position.toordinal() - d0  # type: ignore[union-attr]
        elif len(categories) == 1:
            offset = 0.5
        else:
            offset = categories.index(format_x(position))
        return round(left + offset / (d1 - d0) * plot_w, 1)

    low, high, step = value_scale([float(p[1]) for p in points])

    def y(value: Number) -> float:
        return round(top + plot_h - (float(value) - low) / (high - low) * plot_h, 1)

    parts = [head]
    tick = low
    while tick <= high + step / 1000:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick)}" y2="{y(tick)}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(format_number(Decimal(str(tick))))}</text>"
        )
        tick += step
    if dated:
        for year in range(dt.date.fromordinal(d0).year, dt.date.fromordinal(d1).year + 2):
            jan = dt.date(year, 1, 1)
            if d0 <= jan.toordinal() <= d1:
                parts.append(
                    f'<line x1="{x(jan)}" x2="{x(jan)}" y1="{top}" y2="{top + plot_h}" stroke="#eeeeee"/>'
                    f'<text x="{x(jan)}" y="{height - 8}" text-anchor="middle" font-size="12" '
                    f'fill="{TEXT_COLOUR}">{year}</text>'
                )
    else:
        for label in categories:
            parts.append(
                f'<text x="{x(label)}" y="{height - 8}" text-anchor="middle" font-size="12" '
                f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>'
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}"/>'
    )
    for s in series:
        if not s.points:
            continue
        coords = " ".join(f"{x(px)},{y(pv)}" for px, pv in s.points)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
        )
        if s.marker == "none":
            continue
        for px, pv in s.points:
            tip = escape(f"{s.label} {format_x(px)} : {format_number(pv)} {unit}".strip())
            if s.marker == "square":
                parts.append(
                    f'<rect x="{x(px) - 4}" y="{y(pv) - 4}" width="8" height="8" fill="#fff" '
                    f'stroke="{s.colour}" stroke-width="2"><title>{tip}</title></rect>'
                )
            else:
                parts.append(
                    f'<circle cx="{x(px)}" cy="{y(pv)}" r="4.5" fill="{s.colour}"><title>{tip}</title></circle>'
                )
    if highlight:
        tip = escape(f"{highlight_label} {format_x(highlight[0])} : {format_number(highlight[1])}".strip())
        parts.append(
            f'<circle cx="{x(highlight[0])}" cy="{y(highlight[1])}" r="5" fill="{BASELINE_COLOUR}">'
            f"<title>{tip}</title></circle>"
        )
    lx = left
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="12" y2="12" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{lx + 30}" y="16" font-size="12" fill="#161616">{escape(s.legend or s.label)}</text>'
        )
        lx += 40 + len(s.legend or s.label) * 7
    if unit:
        parts.append(
            f'<text x="{width - right}" y="16" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    *,
    title: str,
    description: str,
    series: Sequence[Series],
    table_caption: str,
    x_heading: str,
    value_heading: str,
    series_heading: str,
    unit: str = "",
    empty_text: str = "",
    width: int = 640,
    height: int = 260,
    uid: str = "chart",
    table_id: str = "",
) -> Chart:
    """A line chart and its data table (one row per point: position, series, value)."""
    svg = line_svg(
        title=title,
        description=description,
        series=series,
        unit=unit,
        empty_text=empty_text,
        width=width,
        height=height,
        uid=uid,
    )
    rows = [(format_x(px), s.label, pv) for s in series for px, pv in s.points]
    heading = f"{value_heading} ({unit})" if unit else value_heading
    table = data_table(
        caption=table_caption,
        headers=[x_heading, series_heading, heading],
        rows=rows,
        numeric=[2],
        table_id=table_id,
        empty_text=empty_text or "—",
    )
    return Chart(svg, table)


def target_actual_svg(
    *,
    title: str,
    description: str,
    targets: Sequence[Point],
    actuals: Sequence[Point],
    baseline: Point | None = None,
    target_label: str,
    actual_label: str,
    baseline_label: str = "",
    legend_targets: str = "",
    legend_actuals: str = "",
    unit: str = "",
    empty_text: str = "",
    width: int = 640,
    height: int = 260,
    uid: str = "chart",
) -> SafeString:
    """Targets dashed with square marks, measured values solid with dots, baseline a grey dot.

    Both paths start from the baseline, so one sees the trajectory asked for and the one followed.
    `legend_*` name the series in the legend (defaults: the point labels)."""
    series = []
    if targets:
        path = [baseline, *targets] if baseline else list(targets)
        series.append(Series(target_label, path, TARGET_COLOUR, True, "square", legend_targets))
    if actuals:
        path = [baseline, *actuals] if baseline else list(actuals)
        series.append(Series(actual_label, path, ACTUAL_COLOUR, False, "circle", legend_actuals))
    return line_svg(
        title=title,
        description=description,
        series=series,
        unit=unit,
        empty_text=empty_text,
        width=width,
        height=height,
        uid=uid,
        highlight=baseline,
        highlight_label=baseline_label,
    )


def target_actual_chart(
    *,
    title: str,
    description: str,
    targets: Sequence[Point],
    actuals: Sequence[Point],
    baseline: Point | None = None,
    target_label: str,
    actual_label: str,
    baseline_label: str,
    legend_targets: str = "",
    legend_actuals: str = "",
    table_caption: str,
    x_heading: str,
    kind_heading: str,
    value_heading: str,
    unit: str = "",
    empty_text: str = "",
    width: int = 640,
    height: int = 260,
    uid: str = "chart",
    table_id: str = "",
) -> Chart:
    """`target_actual_svg` and its data table (date, nature, value), rows in date order."""
    svg = target_actual_svg(
        title=title,
        description=description,
        targets=targets,
        actuals=actuals,
        baseline=baseline,
        target_label=target_label,
        actual_label=actual_label,
        baseline_label=baseline_label,
        legend_targets=legend_targets,
        legend_actuals=legend_actuals,
        unit=unit,
        empty_text=empty_text,
        width=width,
        height=height,
        uid=uid,
    )
    rows: list[tuple[X, str, Number]] = [(baseline[0], baseline_label, baseline[1])] if baseline else []
    rows += [(d, target_label, v) for d, v in targets] + [(d, actual_label, v) for d, v in actuals]
    if all(isinstance(r[0], dt.date) for r in rows):
        rows.sort(key=lambda r: r[0])
    heading = f"{value_heading} ({unit})" if unit else value_heading
    table = data_table(
        caption=table_caption,
        headers=[x_heading, kind_heading, heading],
        rows=[(format_x(d), k, v) for d, k, v in rows],
        numeric=[2],
        table_id=table_id,
        empty_text=empty_text or "—",
    )
    return Chart(svg, table)


def yearly_line_svg(
    *,
    title: str,
    description: str,
    years: Sequence[int],
    series: Mapping[str, Mapping[int, float | None]],
    empty_text: str,
    unit: str = "",
    uid: str = "chart",
    width: int = 680,
    height: int = 280,
) -> SafeString:
    """Lines by year, one per named series (legend on top, three per row), y axis from zero;
    series differ by colour (`OKABE_ITO`) and marker shape. Figures keep one decimal at most."""
    parts = [svg_head(uid, width, height, title, description)]
    numbers = [float(v) for values in series.values() for v in values.values() if v is not None]
    if not years or not numbers:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#3a3a3a">{escape(empty_text)}</text></svg>'
        )
        return mark_safe("".join(parts))
    left, right, top, bottom = 78, 18, 34 + 18 * ((len(series) - 1) // 3), 30
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high, step = value_scale(numbers)
    first, last = years[0], years[-1]

    def x(year: int) -> float:
        return left + (year - first) / ((last - first) or 1) * plot_w if last != first else left + plot_w / 2

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    def shown(value: float) -> str:
        return format_number(value, decimals=1, minus=MINUS)

    tick = low
    while tick <= high + step / 1000:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#dddddd"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="#3a3a3a">'
            f"{escape(shown(tick))}</text>"
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
        colour, kind = OKABE_ITO[index % len(OKABE_ITO)], MARKERS[index % len(MARKERS)]
        points = [(year, float(v)) for year in years if (v := values.get(year)) is not None]
        if len(points) > 1:
            coords = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for year, value in points:
            tip = f"{name} {year} : {shown(value)} {unit}".strip()
            parts.append(marker(kind, x(year), y(value), colour, tip))
        lx, ly = left + (index % 3) * 200, 16 + 18 * (index // 3)
        parts.append(marker(kind, lx + 6, ly - 4, colour, name))
        parts.append(f'<text x="{lx + 16}" y="{ly}" font-size="12" fill="#161616">{escape(name[:30])}</text>')
    if unit:
        parts.append(
            f'<text x="{width - right}" y="16" text-anchor="end" font-size="12" fill="#3a3a3a">{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
