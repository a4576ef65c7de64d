"""The server-side choropleth map of France (territories.maps), on the real GeoJSON outlines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from filiere.core.charts import MINUS, format_number
from filiere.territories import maps

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _fills(root: ET.Element) -> dict[str, str]:
    return {path.get("data-code"): path.get("fill") for path in root.iter(f"{SVG}path")}


@pytest.mark.parametrize(
    ("level", "count", "some"),
    [
        ("region", 18, {"27": "Bourgogne-Franche-Comté", "76": "Occitanie", "04": "La Réunion"}),
        ("department", 101, {"34": "Hérault", "2A": "Corse-du-Sud", "974": "La Réunion"}),
        ("old_region", 22, {"91": "Languedoc-Roussillon", "73": "Midi-Pyrénées", "42": "Alsace"}),
    ],
)
def test_each_level_draws_every_area_once(level, count, some):
    projection = maps.projected_areas(level)
    codes = [area.code for area in projection.areas]
    assert len(codes) == len(set(codes)) == count
    names = maps.area_names(level)
    assert all(names[code] == name for code, name in some.items())
    assert all(area.path.startswith("M") and area.path.endswith("z") for area in projection.areas)


def test_projected_paths_are_cached_per_level():
    assert maps.projected_areas("department") is maps.projected_areas("department")
    assert maps.projected_areas("region") is not maps.projected_areas("old_region")


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        maps.projected_areas("canton")  # type: ignore[arg-type]


def test_old_regions_have_no_overseas_insets_and_current_ones_do():
    assert maps.projected_areas("old_region").insets == ()
    assert [name for name, _x, _y in maps.projected_areas("region").insets] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]


def test_map_is_accessible_svg_with_title_description_and_one_path_per_area():
    svg = maps.choropleth_svg(
        {"27": 1500, "76": 12600, "75": 10500},
        level="region",
        title="Établissements",
        unit="ét.",
        table_id="t",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Établissements (ét.)"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "tableau" in root.find(f"{SVG}desc").text
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 18
    tips = {p.get("data-code"): p.find(f"{SVG}title").text for p in paths}
    assert tips["27"] == "Bourgogne-Franche-Comté : 1\u202f500 ét."
    assert tips["53"] == "Bretagne : Pas de donnée"


def test_colours_follow_the_values_and_missing_values_are_hatched():
    values = {"27": 10, "76": 1000, "75": 500, "44": 50, "84": 5000, "11": None}
    root = _parse(maps.choropleth_svg(values, level="region", title="t", uid="m1"))
    fills = _fills(root)
    ranked = [maps.SEQUENTIAL.index(fills[c]) for c in ("27", "44", "75", "76", "84")]
    assert ranked == sorted(ranked) and ranked[0] < ranked[-1]
    assert fills["11"] == fills["53"] == "url(#m1-nd)"  # None and absent alike
    assert root.find(f".//{SVG}pattern").get("id") == "m1-nd"


def test_diverging_map_uses_the_diverging_palette_around_zero():
    values = {"27": -30.0, "76": 0.0, "75": 25.0}
    fills = _fills(_parse(maps.choropleth_svg(values, level="region", title="Écart", diverging=True)))
    assert fills["27"] in maps.DIVERGING[:3]
    assert fills["76"] == maps.DIVERGING[3]  # the neutral middle
    assert fills["75"] in maps.DIVERGING[4:]


def test_links_are_for_the_mouse_only_and_escaped():
    svg = maps.choropleth_svg(
        {"34": 3}, level="department", title="t", link=lambda code: f"/obs/?d={code}&x=<b>"
    )
    root = _parse(svg)
    assert root.get("role") == "group"  # an image may not hold links
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 101
    assert all(a.get("tabindex") == "-1" for a in links)
    assert {a.get("aria-label") for a in links} >= {"Hérault : 3", "Gers : Pas de donnée"}
    assert "/obs/?d=34&x=<b>" in {a.get("href") for a in links}
    assert "&x=<b>" not in svg  # escaped in the markup


def test_user_text_is_escaped():
    svg = maps.choropleth_svg({}, level="region", title='<script>alert("x")</script>', unit="<i>")
    assert "<script>" not in svg and "<i>" not in svg
    _parse(svg)  # still well-formed


def test_empty_map_has_only_the_no_data_legend():
    root = _parse(maps.choropleth_svg({}, level="old_region", title="Vide"))
    assert set(_fills(root).values()) == {f"url(#{root.get('aria-labelledby').split('-title')[0]}-nd)"}
    legend_texts = [t.text for t in root.iter(f"{SVG}text")]
    assert legend_texts == ["Pas de donnée"]


@pytest.mark.parametrize("palette", [maps.SEQUENTIAL, maps.DIVERGING])
def test_legend_text_contrasts_with_every_colour(palette):
    for colour in palette:
        assert maps.contrast_ratio(colour, maps.text_colour_for(colour)) >= 4.5, colour


def test_outlines_contrast_with_the_background():
    assert maps.contrast_ratio(maps.OUTLINE_COLOUR, "#ffffff") >= 3
    assert maps.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)


def test_legend_labels_carry_their_text_colour():
    svg = maps.choropleth_svg({"27": 1, "76": 100, "75": 10_000}, level="region", title="t")
    for fill, colour in re.findall(
        r'<rect [^>]*fill="(#[0-9a-f]{6})"[^>]*/><text [^>]*fill="(#[0-9a-f]{6})"', svg
    ):
        assert maps.contrast_ratio(fill, colour) >= 4.5


def test_class_breaks_sequential_end_at_the_maximum_and_increase():
    breaks = maps.class_breaks([3, 12, 40, 120, 777, 1234, 5000, 5001])
    assert breaks[-1] == 5001
    assert breaks == sorted(set(breaks))
    assert 2 <= len(breaks) <= 5
    assert maps.class_breaks([7, 7, 7]) == [7]
    assert maps.class_breaks([]) == []


def test_class_breaks_diverging_are_symmetric():
    breaks = maps.class_breaks([-12.0, 4.0, 30.0], diverging=True)
    assert breaks[:3] == [-b for b in reversed(breaks[3:6])]
    assert breaks[-1] >= 30


def test_table_rows_list_every_area_by_name_with_value_and_link():
    rows = maps.map_table_rows({"27": 1500, "76": None}, "region", link=lambda code: f"/r/{code}/")
    assert len(rows) == 18
    assert [r.name for r in rows] == sorted((r.name for r in rows), key=str.casefold)
    by_code = {r.code: r for r in rows}
    assert by_code["27"].value == 1500.0 and by_code["27"].url == "/r/27/"
    assert by_code["76"].value is None and by_code["53"].value is None


def map_figure(value):
    """How maps write a figure: one decimal at most, the typographic minus."""
    return format_number(value, decimals=1, minus=MINUS)


def test_french_number_format():
    assert map_figure(1234567) == "1\u202f234\u202f567"
    assert map_figure(12.5) == "12,5"
    assert map_figure(-3) == "−3"
    assert map_figure(None) == "—"


def test_values_follow_the_active_language():
    from django.utils import translation

    with translation.override("fr"):
        assert map_figure(1234567) == "1\u202f234\u202f567"
        assert map_figure(-1234.5) == "−1\u202f234,5"
        assert format_number(1400000.25) == "1\u202f400\u202f000,25"
    with translation.override("en"):
        assert map_figure(1234567) == "1,234,567"
        assert map_figure(-1234.5) == "−1,234.5"
        assert format_number(1400000.25) == "1,400,000.25"
