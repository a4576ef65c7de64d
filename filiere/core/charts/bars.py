"""Horizontal bar charts: `bar_chart` (bars with an optional target mark and a data table, the
roadmaps' progress), `ranked_bar_svg` (counts by category, the observatory) and `grouped_bar_chart` (a bar per series in each group, the
programme dashboard's rates at 3, 6 and 12 months). The page always shows the same
figures in a table, the chart's text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .base import Chart, data_table, empty_svg, svg_head
from .colours import ACTUAL_COLOUR, AXIS_COLOUR, PALETTE, TARGET_COLOUR, TEXT_COLOUR
from .numbers import MINUS, Number, format_number


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart, with an optional target drawn as a mark across it.
    (No links: an SVG with role="img" must not hold interactive elements; put them in the table.)"""

    label: str
    value: Number | None
    target: Number | None = None
    note: str = ""  # shown after the value (e.g. "34 % (210 000 / cible 600 000)")


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
    head = svg_head(uid, width, max(height, 40), title, description)
    if not bars:
        return empty_svg(head, width, 40, missing_text)
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


def ranked_bar_svg(
    *,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    empty_text: str,
    unit: str = "",
    uid: str = "bars",
    width: int = 680,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the order given (longest first), labels cut at
    46 characters with the full label in a tooltip; figures keep one decimal at most."""
    height = 20 + 26 * max(len(bars), 1)
    parts = [svg_head(uid, width, height, title, description)]
    if not bars:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" fill="#3a3a3a">{escape(empty_text)}</text>'
            "</svg>"
        )
        return mark_safe("".join(parts))
    label_w, value_w = 300, 90
    top = max(float(v) for _l, v in bars) or 1.0
    for index, (label, value) in enumerate(bars):
        y = 10 + index * 26
        length = (width - label_w - value_w) * float(value) / top
        short = label if len(label) <= 46 else label[:45] + "…"
        shown = format_number(value, decimals=1, minus=MINUS)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="#161616">{escape(short)}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="16" fill="{ACTUAL_COLOUR}">'
            f"<title>{escape(label)} : {escape(shown)} {escape(unit)}</title></rect>"
            f'<text x="{label_w + length + 6:.1f}" y="{y + 15}" font-size="12" fill="#161616">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


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
    head = svg_head(uid, width, max(height, 40), title, description)
    if not groups:
        return empty_svg(head, width, 40, missing_text)
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
