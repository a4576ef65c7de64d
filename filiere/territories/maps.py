"""Choropleth maps of France drawn on the server as inline SVG, from the real GeoJSON outlines.

No JavaScript and no tiles: the map prints, works offline and is the same for every visitor.
It always comes with a table (`map_table_rows`), which is its text alternative and the way
keyboard users reach the territories: the areas' links stay out of the tab order. A map without
links is an image (`role="img"`); with links it is a named group (`role="group"`), because an
image may not contain interactive elements (axe-core: nested-interactive), and each link is
named after its area and value.

Outlines come from ``FILIERE_DATA_DIR/geo`` (france-geojson, IGN Admin Express / COG, Licence
Ouverte): the simplified metropolitan files, plus the five overseas regions (DROM) drawn in
insets down the left side. Pre-2016 regions are metropolitan only (the DROM did not change).
Projection: equirectangular, longitudes scaled by cos(46.5°), which is close enough to Lambert-93
at this size. Projected paths are computed once per level and process (`projected_areas`), simplified
to a third of a pixel, so a department map weighs about 100 KB.

Palettes are ColorBrewer's (colour-blind safe): YlGnBu for counts, PuOr for gaps (diverging,
centred on zero). Each legend box carries its label inside, in black or white, whichever gives
at least 4.5:1 (`text_colour_for`); area outlines are #595959 (7:1 on white) so the lightest class
is still told apart from the background.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2s
from typing import Any, Literal

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# These few labels are translated in the observatory's catalogue: the territories catalogue has
# another owner. The alias keeps xgettext from listing them here (see docs/observatory.md).
from django.utils.translation import gettext as _translate

from filiere.core.charts import MINUS, contrast_ratio, format_number
from filiere.core.loading import read_json

Level = Literal["region", "department", "old_region"]
LEVELS: tuple[str, ...] = ("region", "department", "old_region")

METRO_FILES: dict[str, str] = {
    "region": "geo/regions-version-simplifiee.geojson",
    "department": "geo/departements-version-simplifiee.geojson",
    "old_region": "geo/regions-avant-redecoupage-2015.geojson",
}
OVERSEAS_FILE = "geo/regions-avec-outre-mer.geojson"
#: Overseas regions (DROM) drawn in insets, top to bottom: region code → department code.
OVERSEAS: tuple[tuple[str, str], ...] = (
    ("01", "971"),
    ("02", "972"),
    ("03", "973"),
    ("04", "974"),
    ("06", "976"),
)

#: ColorBrewer YlGnBu (sequential) and PuOr (diverging), colour-blind safe.
SEQUENTIAL: tuple[str, ...] = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
DIVERGING: tuple[str, ...] = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788")
NO_DATA_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#595959"
DARK_TEXT = "#161616"
LIGHT_TEXT = "#ffffff"

WIDTH = 640  # metropolitan frame
INSET_COLUMN = 96
INSET_SIZE = 78
MARGIN = 8
LEGEND_HEIGHT = 64
TOLERANCE = 0.35  # px: Douglas-Peucker tolerance once projected
LAT0 = math.radians(46.5)


@dataclass(frozen=True)
class Area:
    """One projected territory: its code, its name and the SVG path of its outline."""

    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Projection:
    """All areas of one level, projected, with the drawing's size."""

    level: str
    areas: tuple[Area, ...]
    width: int
    height: int
    insets: tuple[tuple[str, float, float], ...]  # (name, x, y) of each overseas inset's frame


@dataclass(frozen=True)
class MapRow:
    """A row of the table that accompanies a map."""

    code: str
    name: str
    value: float | None
    url: str


# --- Outlines and projection ------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _bounds(rings: Sequence[Sequence[Sequence[float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] * math.cos(LAT0) for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on a projected ring: drop points within `tolerance` px of the chord."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1.0
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * (x - x1) - dx * (y - y1)) / norm if (dx or dy) else math.hypot(x - x1, y - y1)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _path(
    rings: Sequence[Sequence[Sequence[float]]], project: Callable[[float, float], tuple[float, float]]
) -> str:
    """SVG path data of the rings: absolute start, then relative moves in tenths of a pixel."""
    parts: list[str] = []
    for ring in rings:
        points = _simplify([project(p[0], p[1]) for p in ring], TOLERANCE)
        tenths = [(round(x * 10), round(y * 10)) for x, y in points]
        if len(set(tenths)) < 3:
            continue  # an islet smaller than a pixel
        (x0, y0), *rest = tenths
        moves, (px, py) = [], (x0, y0)
        for x, y in rest:
            if (x, y) != (px, py):
                moves.append(f"{(x - px) / 10:g} {(y - py) / 10:g}")
                px, py = x, y
        parts.append(f"M{x0 / 10:g} {y0 / 10:g}l" + " ".join(moves).replace(" -", "-") + "z")
    return "".join(parts)


def _fit(
    bounds: tuple[float, float, float, float], x0: float, y0: float, width: float, height: float
) -> Callable:
    """A projection of lon/lat into the box (x0, y0, width, height), aspect ratio kept, centred."""
    min_x, min_y, max_x, max_y = bounds
    scale = min(width / ((max_x - min_x) or 1), height / ((max_y - min_y) or 1))
    dx = x0 + (width - (max_x - min_x) * scale) / 2
    dy = y0 + (height - (max_y - min_y) * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return dx + (lon * math.cos(LAT0) - min_x) * scale, dy + (max_y - lat) * scale

    return project


@lru_cache(maxsize=8)
def _projected(level: str, data_dir: str) -> Projection:
    metro = read_json(METRO_FILES[level])["features"]
    metro_rings = [_rings(f["geometry"]) for f in metro]
    bounds = _bounds([ring for rings in metro_rings for ring in rings])
    aspect = (bounds[3] - bounds[1]) / (bounds[2] - bounds[0])
    with_overseas = level != "old_region"
    left = INSET_COLUMN + MARGIN if with_overseas else MARGIN
    map_height = round(WIDTH * aspect)
    project = _fit(bounds, left, MARGIN, WIDTH, map_height)
    areas = [
        Area(str(f["properties"]["code"]), str(f["properties"]["nom"]), _path(rings, project))
        for f, rings in zip(metro, metro_rings, strict=True)
    ]
    insets: list[tuple[str, float, float]] = []
    if with_overseas:
        overseas = {str(f["properties"]["code"]): f for f in read_json(OVERSEAS_FILE)["features"]}
        step = (map_height - INSET_SIZE) / (len(OVERSEAS) - 1)
        for index, (region_code, department_code) in enumerate(OVERSEAS):
            feature = overseas.get(region_code)
            if feature is None:
                continue
            rings = _rings(feature["geometry"])
            y = MARGIN + index * step
            path = _path(rings, _fit(_bounds(rings), MARGIN + 6, y + 14, INSET_SIZE - 12, INSET_SIZE - 20))
            code = region_code if level == "region" else department_code
            name = str(feature["properties"]["nom"])
            areas.append(Area(code, name, path))
            insets.append((name, MARGIN, y))
    width = left + WIDTH + MARGIN
    height = MARGIN + map_height + MARGIN + LEGEND_HEIGHT
    return Projection(level, tuple(areas), width, height, tuple(insets))


def projected_areas(level: Level) -> Projection:
    """The projected outlines of a level ("region", "department", "old_region"), cached per process."""
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}")
    return _projected(level, str(settings.FILIERE_DATA_DIR))


def area_names(level: Level) -> dict[str, str]:
    """Code → name of every area drawn at this level, in drawing order."""
    return {area.code: area.name for area in projected_areas(level).areas}


# --- Colours ----------------------------------------------------------------------------------


def text_colour_for(background: str) -> str:
    """Black or white text, whichever contrasts more with `background`."""
    if contrast_ratio(background, DARK_TEXT) >= contrast_ratio(background, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT


def _nice(value: float) -> float:
    """Round up to 1, 2, 2.5 or 5 × a power of ten (steps of a diverging scale)."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude * 1.0001:
            return factor * magnitude
    return 10 * magnitude


def _two_digits(value: float) -> float:
    """Round to two significant digits (1 234 → 1 200), so class bounds read easily."""
    if value == 0:
        return 0.0
    digits = 1 - math.floor(math.log10(abs(value)))
    return round(value, digits)


def class_breaks(values: Sequence[float], *, diverging: bool = False, classes: int = 5) -> list[float]:
    """Upper bounds of the colour classes (the last one is the maximum).

    Sequential: quantiles rounded to two significant digits, duplicates dropped, so each colour
    holds about as many areas. Diverging: symmetric steps around zero, the middle class being
    "about no gap" (within a quarter step).
    """
    if not values:
        return []
    if diverging:
        step = _nice(max(abs(v) for v in values) / 3) or 1.0
        return [-2 * step, -step, -step / 4, step / 4, step, 2 * step, 3 * step]
    ordered = sorted(values)
    breaks: list[float] = []
    for index in range(1, classes):
        bound = _two_digits(ordered[min(len(ordered) - 1, round(index * len(ordered) / classes))])
        if bound < ordered[-1] and (not breaks or bound > breaks[-1]):
            breaks.append(bound)
    breaks.append(ordered[-1])
    return breaks


def _class_of(value: float, breaks: Sequence[float]) -> int:
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index
    return len(breaks) - 1


def _palette(count: int, diverging: bool) -> list[str]:
    return _spread(DIVERGING if diverging else SEQUENTIAL, count)


def _spread(palette: Sequence[str], count: int) -> list[str]:
    if count <= 0:
        return []
    if count == 1:
        return [palette[len(palette) // 2]]
    return [palette[round(i * (len(palette) - 1) / (count - 1))] for i in range(count)]


# --- Formatting -------------------------------------------------------------------------------


def _class_label(low: float | None, high: float, diverging: bool) -> str:
    def shown(value: float) -> str:
        return ("+" if diverging and value > 0 else "") + format_number(value, decimals=1, minus=MINUS)

    if low is None:
        return f"≤ {shown(high)}"
    return f"{shown(low)} – {shown(high)}"


# --- Drawing ----------------------------------------------------------------------------------


def choropleth_svg(
    values: Mapping[str, float | None],
    *,
    level: Level,
    title: str,
    unit: str = "",
    link: Callable[[str], str] | None = None,
    diverging: bool = False,
    uid: str = "",
    table_id: str = "",
) -> SafeString:
    """A choropleth map of France as an inline SVG (safe HTML).

    `values` maps a territory code of `level` to its value (None or absent: no data). `link`
    turns a code into the URL its area links to (mouse only; the table carries the same links).
    `diverging` colours around zero (gaps); otherwise a sequential palette. `uid` makes the ids
    inside the SVG unique when a page shows several maps (derived from the title otherwise);
    `table_id` names the table that holds the same figures, for the description.
    """
    projection = projected_areas(level)
    uid = uid or "map-" + blake2s(f"{level}:{title}".encode(), digest_size=4).hexdigest()
    known = {area.code for area in projection.areas}
    numbers = [float(v) for code, v in values.items() if v is not None and code in known]
    breaks = class_breaks(numbers, diverging=diverging)
    colours = _palette(len(breaks), diverging)
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    description = _translate("Carte choroplèthe de France par territoire.")
    if table_id:
        description += " " + _translate("Les valeurs figurent dans le tableau qui suit la carte.")
    full_title = f"{title} ({unit})" if unit else title
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" viewBox="0 0 {projection.width} '
        f'{projection.height}" width="100%" role="{"group" if link else "img"}" '
        f'aria-labelledby="{title_id} {desc_id}" '
        f'data-level="{escape(level)}">',
        f'<title id="{title_id}">{escape(full_title)}</title><desc id="{desc_id}">{escape(description)}</desc>',
        f'<defs><pattern id="{uid}-nd" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_DATA_COLOUR}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="1.2"/></pattern></defs>',
        f'<g stroke="{OUTLINE_COLOUR}" stroke-width="0.6" stroke-linejoin="round">',
    ]
    no_data = _translate("Pas de donnée")
    for area in projection.areas:
        value = values.get(area.code)
        fill = f"url(#{uid}-nd)" if value is None else colours[_class_of(float(value), breaks)]
        shown = format_number(None if value is None else float(value), decimals=1, minus=MINUS)
        tip = f"{area.name} : {shown} {unit}".strip() if value is not None else f"{area.name} : {no_data}"
        shape = (
            f'<path d="{area.path}" fill="{fill}" data-code="{escape(area.code)}">'
            f"<title>{escape(tip)}</title></path>"
        )
        if link is not None:
            shape = (
                f'<a href="{escape(link(area.code))}" tabindex="-1" aria-label="{escape(tip)}">{shape}</a>'
            )
        out.append(shape)
    out.append("</g>")
    out.append('<g aria-hidden="true">')  # insets' names and the legend: the table says it all
    for name, x, y in projection.insets:
        out.append(
            f'<rect x="{x}" y="{y:.1f}" width="{INSET_SIZE}" height="{INSET_SIZE}" fill="none" '
            f'stroke="#8c8c8c" stroke-width="0.6"/>'
            f'<text x="{x + 4}" y="{y + 11:.1f}" font-size="9" fill="{DARK_TEXT}">{escape(name)}</text>'
        )
    out.append(_legend(projection, breaks, colours, diverging=diverging, unit=unit, no_data=no_data, uid=uid))
    out.append("</g></svg>")
    return mark_safe("".join(out))


def _legend(
    projection: Projection,
    breaks: Sequence[float],
    colours: Sequence[str],
    *,
    diverging: bool,
    unit: str,
    no_data: str,
    uid: str,
) -> str:
    top = projection.height - LEGEND_HEIGHT + 6
    labels: list[tuple[str, str]] = []
    previous: float | None = None
    for bound, colour in zip(breaks, colours, strict=True):
        labels.append((colour, _class_label(previous, bound, diverging)))
        previous = bound
    parts = []
    if unit:
        parts.append(
            f'<text x="{MARGIN}" y="{top + 10}" font-size="12" fill="{DARK_TEXT}">{escape(unit)}</text>'
        )
    # The "no data" entry: a hatched square like the areas, its label beside it on white.
    no_data_width = 40 + 6.5 * len(no_data)
    box_width = (projection.width - 2 * MARGIN - no_data_width) / max(len(labels), 1)
    for index, (colour, label) in enumerate(labels):
        x = MARGIN + index * box_width
        parts.append(
            f'<rect x="{x:.1f}" y="{top + 18}" width="{box_width - 4:.1f}" height="30" fill="{colour}" '
            f'stroke="{OUTLINE_COLOUR}" stroke-width="0.8"/>'
            f'<text x="{x + (box_width - 4) / 2:.1f}" y="{top + 37}" font-size="11" text-anchor="middle" '
            f'fill="{text_colour_for(colour)}">{escape(label)}</text>'
        )
    x = MARGIN + len(labels) * box_width
    parts.append(
        f'<rect x="{x:.1f}" y="{top + 18}" width="30" height="30" fill="url(#{uid}-nd)" '
        f'stroke="{OUTLINE_COLOUR}" stroke-width="0.8"/>'
        f'<text x="{x + 36:.1f}" y="{top + 37}" font-size="11" fill="{DARK_TEXT}">{escape(no_data)}</text>'
    )
    return "".join(parts)


def map_table_rows(
    values: Mapping[str, float | None], level: Level, *, link: Callable[[str], str] | None = None
) -> list[MapRow]:
    """The map's text alternative: one row per area drawn (name order), its value or None, its link."""
    names = area_names(level)
    rows = [
        MapRow(
            code, name, None if values.get(code) is None else float(values[code]), link(code) if link else ""
        )
        for code, name in names.items()
    ]
    return sorted(rows, key=lambda row: (row.name.casefold(), row.code))
