"""Charts as inline SVG drawn on the server: no JavaScript, printable, accessible.

Every chart comes with its text alternative, the data table (`Chart.table`), and its SVG carries
`role="img"` with a title and a description. The helpers are generic (core depends on no app):
the caller passes every text a person reads, already translated, so each app keeps its wording
in its own catalogue.

- `line_chart`: series of (date or label, value) points, one line each; dates are placed on a
  time axis, labels evenly.
- `target_actual_chart`: the usual "targets (dashed) vs measured values (solid)" chart of an
  indicator, with an optional baseline the target path starts from.
- `bar_chart`: horizontal bars (with an optional target mark per bar), e.g. progress of each
  indicator of a plan, or counts by category.

Colours: every colour of `PALETTE` has a contrast of at least 4.5:1 on white (text and lines
readable, WCAG 1.4.3 and 1.4.11); series also differ by dash and marker shape, not by colour only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | float | int
X = dt.date | str
Point = tuple[X, Number]

ACTUAL_COLOUR = "#000091"  # DSFR "bleu France", 14.8:1 on white
TARGET_COLOUR = "#a33b00"  # 6.6:1 on white
BASELINE_COLOUR = "#555555"  # 7.5:1 on white
GRID_COLOUR = "#dddddd"
AXIS_COLOUR = "#666666"  # 5.7:1: the axes are "graphical objects" and need 3:1
TEXT_COLOUR = "#333333"
# Distinct hues, each ≥ 4.5:1 on white (checked by the tests with `contrast_ratio`).
PALETTE = ("#000091", "#a33b00", "#18753c", "#6e445a", "#3a3a3a", "#7a5b00", "#0b6ba8", "#b3124e")


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio between two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def number_separators() -> tuple[str, str]:
    """(thousands, decimal) separators of the active language: "\u202f" and "," in French (the
    narrow no-break space of French typography, where Django says a plain no-break space),
    "," and "." in English."""
    from django.utils.formats import get_format

    thousands, decimal = str(get_format("THOUSAND_SEPARATOR")), str(get_format("DECIMAL_SEPARATOR"))
    return ("\u202f" if thousands in ("\xa0", " ") else thousands), decimal


def format_number(value: Number | None) -> str:
    """A number written the way of the active language, at most three decimals: "1 400 000" and
    "12,5" in French, "1,400,000" and "12.5" in English; None is a dash."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    whole, _sep, frac = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    frac = frac[:3].rstrip("0")
    thousands, decimal = number_separators()
    return sign + thousands.join(groups) + (decimal + frac if frac else "")


def format_x(x: X) -> str:
    """A point's position as a person reads it: dd/mm/yyyy for a date, the label otherwise."""
    return x.strftime("%d/%m/%Y") if isinstance(x, dt.date) else str(x)


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


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart, with an optional target drawn as a mark across it.
    (No links: an SVG with role="img" must not hold interactive elements; put them in the table.)"""

    label: str
    value: Number | None
    target: Number | None = None
    note: str = ""  # shown after the value (e.g. "34 % (210 000 / cible 600 000)")


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
    numeric = set(numeric)
    head = "".join(
        format_html('<th scope="col"{}>{}</th>', mark_safe(' class="num"') if i in numeric else "", h)
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
            cls = ' class="num"' if i in numeric else ""
            cells.append(f"<{tag}{scope}{cls}>{escape(text)}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}">{escape(empty_text)}</td></tr>')
    ident = f' id="{escape(table_id)}"' if table_id else ""
    return mark_safe(
        f'<table class="{escape(css_class)}"{ident}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(numbers: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a value axis that starts at 0 or below and ends on a round number."""
    low = min(0.0, min(numbers))
    top = max(numbers)
    step = _nice_step(top - low)
    high = step * (int(top / step) + 1) if top > 0 else step
    if low < 0:
        low = -step * (int(-low / step) + 1)
    return low, high, step


def _head(uid: str, width: int, height: int, title: str, description: str) -> str:
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>'
    )


def _empty(head: str, width: int, height: int, text: str) -> SafeString:
    return mark_safe(
        f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{TEXT_COLOUR}">'
        f"{escape(text)}</text></svg>"
    )


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
    head = _head(uid, width, height, title, description)
    points = [p for s in series for p in s.points] + ([highlight] if highlight else [])
    if not points:
        return _empty(head, width, height, empty_text)
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

    low, high, step = _scale([float(p[1]) for p in points])

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
        rows.sort(key=lambda r: r[0])  # type: ignore[arg-type,return-value]
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


def bar_svg(
    *,
    title: str,
    description: str,
    bars: Sequence[Bar],
    unit: str = "",
    max_value: Number | None = None,
    target_label: str = "",
    missing_text: str = "",
    colour: str = ACTUAL_COLOUR,
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 220,
    uid: str = "chart",
) -> SafeString:
    """Horizontal bars, one per row, labelled on the left (cut at ~30 characters, the full label
    in a tooltip), the value written after the bar; a bar without value says `missing_text`.
    A bar's target is a dark vertical mark titled `target_label`."""
    gap, top, right = 10, 8, 120
    height = top * 2 + len(bars) * (bar_height + gap)
    head = _head(uid, width, max(height, 40), title, description)
    if not bars:
        return _empty(head, width, 40, missing_text)
    numbers = [float(b.value) for b in bars if b.value is not None] + [
        float(b.target) for b in bars if b.target is not None
    ]
    top_value = float(max_value) if max_value is not None else max([*numbers, 0.0]) or 1.0
    plot_w = width - label_width - right

    def length(value: Number) -> float:
        return round(max(0.0, min(1.0, float(value) / top_value)) * plot_w, 1)

    parts = [head]
    parts.append(
        f'<line x1="{label_width}" x2="{label_width}" y1="{top / 2}" y2="{height - top / 2}" stroke="{AXIS_COLOUR}"/>'
    )
    for index, bar in enumerate(bars):
        y0 = top + index * (bar_height + gap)
        room = max(8, label_width // 7)  # ~7 px per character at 12 px
        short = bar.label if len(bar.label) <= room else bar.label[: room - 2].rstrip() + "…"
        label = (
            f'<text x="{label_width - 8}" y="{y0 + bar_height * 0.7}" text-anchor="end" font-size="12" '
            f'fill="#161616"><title>{escape(bar.label)}</title>{escape(short)}</text>'
        )
        parts.append(label)
        if bar.value is None:
            parts.append(
                f'<text x="{label_width + 6}" y="{y0 + bar_height * 0.7}" font-size="12" fill="{TEXT_COLOUR}">'
                f"{escape(missing_text)}</text>"
            )
        else:
            w = length(bar.value)
            text = f"{format_number(bar.value)}{(' ' + unit) if unit else ''}"
            parts.append(
                f'<rect x="{label_width}" y="{y0}" width="{w}" height="{bar_height}" fill="{colour}">'
                f"<title>{escape(bar.label)} : {escape(text)}</title></rect>"
                f'<text x="{label_width + w + 6}" y="{y0 + bar_height * 0.7}" font-size="12" '
                f'fill="#161616">{escape(text)}</text>'
            )
        if bar.target is not None:
            tx = label_width + length(bar.target)
            parts.append(
                f'<line x1="{tx}" x2="{tx}" y1="{y0 - 3}" y2="{y0 + bar_height + 3}" stroke="{TARGET_COLOUR}" '
                f'stroke-width="3"><title>{escape(target_label)} : {escape(format_number(bar.target))}</title></line>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(
    *,
    title: str,
    description: str,
    bars: Sequence[Bar],
    table_caption: str,
    label_heading: str,
    value_heading: str,
    target_heading: str = "",
    note_heading: str = "",
    unit: str = "",
    max_value: Number | None = None,
    missing_text: str = "",
    target_label: str = "",
    colour: str = ACTUAL_COLOUR,
    width: int = 640,
    label_width: int = 220,
    uid: str = "chart",
    table_id: str = "",
) -> Chart:
    """`bar_svg` and its data table (label, value, and target / note columns when given)."""
    svg = bar_svg(
        title=title,
        description=description,
        bars=bars,
        unit=unit,
        max_value=max_value,
        target_label=target_label or target_heading,
        missing_text=missing_text,
        colour=colour,
        width=width,
        label_width=label_width,
        uid=uid,
    )
    headers = [label_heading, f"{value_heading} ({unit})" if unit else value_heading]
    numeric = [1]
    if target_heading:
        headers.append(target_heading)
        numeric.append(2)
    if note_heading:
        headers.append(note_heading)
    rows = []
    for bar in bars:
        row: list[object] = [bar.label, bar.value if bar.value is not None else missing_text or "—"]
        if target_heading:
            row.append(bar.target if bar.target is not None else "—")
        if note_heading:
            row.append(bar.note)
        rows.append(row)
    table = data_table(
        caption=table_caption,
        headers=headers,
        rows=rows,
        numeric=numeric,
        table_id=table_id,
        empty_text=missing_text or "—",
    )
    return Chart(svg, table)


@dataclass(frozen=True)
class BarGroup:
    """One group of a grouped bar chart: a label and one value per series (None: no value), with
    an optional note per series written after its value and in the table ("3 inconnues")."""

    label: str
    values: Sequence[Number | None]
    notes: Sequence[str] = ()


def grouped_bar_svg(
    *,
    title: str,
    description: str,
    groups: Sequence[BarGroup],
    series_labels: Sequence[str],
    unit: str = "",
    max_value: Number | None = None,
    missing_text: str = "",
    width: int = 560,
    bar_height: int = 16,
    label_width: int = 96,
    uid: str = "chart",
) -> SafeString:
    """Horizontal bars in groups: the group's label on a line of its own, then one bar per series,
    each named on its left ("3 mois") and followed by its value and note, so series never differ by
    colour only. Fonts are 13 px in a narrow view box, readable once scaled to a phone's width."""
    gap, group_gap, head_h, right = 4, 14, 20, 150
    per_group = head_h + len(series_labels) * (bar_height + gap) + group_gap
    height = 6 + len(groups) * per_group
    head = _head(uid, width, max(height, 40), title, description)
    if not groups:
        return _empty(head, width, 40, missing_text)
    numbers = [float(v) for g in groups for v in g.values if v is not None]
    top_value = float(max_value) if max_value is not None else max([*numbers, 0.0]) or 1.0
    plot_w = width - label_width - right
    parts = [head]
    y = 6
    for group in groups:
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13" font-weight="700" fill="#161616">{escape(group.label)}</text>'
        )
        y += head_h
        for index, series in enumerate(series_labels):
            value = group.values[index] if index < len(group.values) else None
            note = group.notes[index] if index < len(group.notes) else ""
            colour = PALETTE[index % len(PALETTE)]
            base = y + bar_height * 0.8
            parts.append(
                f'<text x="{label_width - 6}" y="{base}" text-anchor="end" font-size="13" '
                f'fill="{TEXT_COLOUR}">{escape(series)}</text>'
            )
            if value is None:
                text, w = missing_text, 0.0
            else:
                w = round(max(0.0, min(1.0, float(value) / top_value)) * plot_w, 1)
                text = f"{format_number(value)}{(' ' + unit) if unit else ''}"
                parts.append(
                    f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_height}" fill="{colour}">'
                    f"<title>{escape(group.label)}, {escape(series)} : {escape(text)}</title></rect>"
                )
            if note:
                text = f"{text} · {note}" if text else note
            parts.append(
                f'<text x="{label_width + w + 6}" y="{base}" font-size="13" fill="#161616">{escape(text)}</text>'
            )
            y += bar_height + gap
        y += group_gap
    parts.append(
        f'<line x1="{label_width}" x2="{label_width}" y1="6" y2="{height - group_gap}" stroke="{AXIS_COLOUR}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def grouped_bar_chart(
    *,
    title: str,
    description: str,
    groups: Sequence[BarGroup],
    series_labels: Sequence[str],
    table_caption: str,
    label_heading: str,
    note_heading: str = "",
    unit: str = "",
    max_value: Number | None = None,
    missing_text: str = "",
    width: int = 560,
    uid: str = "chart",
    table_id: str = "",
) -> Chart:
    """`grouped_bar_svg` and its data table: a row per group, a column per series (and one for
    its note when `note_heading` is given, headed "<series> : <note_heading>")."""
    svg = grouped_bar_svg(
        title=title,
        description=description,
        groups=groups,
        series_labels=series_labels,
        unit=unit,
        max_value=max_value,
        missing_text=missing_text,
        width=width,
        uid=uid,
    )
    has_notes = bool(note_heading) and any(g.notes for g in groups)
    headers, numeric = [label_heading], []
    for series in series_labels:
        numeric.append(len(headers))
        headers.append(f"{series} ({unit})" if unit else series)
        if has_notes:
            headers.append(f"{series} : {note_heading}")
    rows = []
    for group in groups:
        row: list[object] = [group.label]
        for index in range(len(series_labels)):
            value = group.values[index] if index < len(group.values) else None
            row.append(value if value is not None else missing_text or "—")
            if has_notes:
                row.append(group.notes[index] if index < len(group.notes) else "")
        rows.append(row)
    table = data_table(
        caption=table_caption,
        headers=headers,
        rows=rows,
        numeric=numeric,
        table_id=table_id,
        empty_text=missing_text or "—",
    )
    return Chart(svg, table)
