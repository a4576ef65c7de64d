"""Horizontal bar charts as inline SVG drawn on the server (no JavaScript, printable). The page
always shows the same figures in a table right after, which is the chart's text alternative."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR_COLOUR = "#000091"  # 14.8:1 on white


def bars_svg(
    *,
    title: str,
    rows: Sequence[tuple[str, float | None]],
    unit: str = "",
    maximum: float | None = None,
    uid: str,
) -> SafeString:
    """One bar per (label, value); None values are drawn as "n.d."."""
    width, bar_h, gap, left, right = 560, 20, 8, 190, 70
    height = 10 + len(rows) * (bar_h + gap)
    top = max([v for _, v in rows if v is not None] or [0])
    scale_max = maximum if maximum is not None else (top or 1)
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    desc = _("Les données figurent dans le tableau qui suit.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    ]
    plot = width - left - right
    not_available = escape(_("n.d."))
    for i, (label, value) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        parts.append(
            f'<text x="{left - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="13" fill="#161616">'
            f"{escape(label[:28])}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{left + 4}" y="{y + bar_h * 0.7:.0f}" font-size="13" fill="#555">{not_available}</text>'
            )
            continue
        w = max(1.0, plot * min(float(value), scale_max) / scale_max)
        shown = (f"{value:.1f}" if unit == "%" else f"{value:g}").replace(".", ",") + (
            f" {unit}" if unit else ""
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR_COLOUR}"/>')
        parts.append(
            f'<text x="{left + w + 6:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="13" fill="#161616">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
