"""The shared SVG charts and the one number formatter (`filiere.core.charts`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from filiere.core.charts import (
    ACTUAL_COLOUR,
    AXIS_COLOUR,
    BASELINE_COLOUR,
    MINUS,
    OKABE_ITO,
    PALETTE,
    TARGET_COLOUR,
    TEXT_COLOUR,
    Bar,
    Series,
    bar_chart,
    contrast_ratio,
    data_table,
    format_number,
    line_chart,
    ranked_bar_svg,
    target_actual_chart,
    yearly_line_svg,
)

D = dt.date


def test_palette_and_chart_colours_pass_contrast_on_white():
    for colour in (*PALETTE, *OKABE_ITO, ACTUAL_COLOUR, TARGET_COLOUR, BASELINE_COLOUR, TEXT_COLOUR):
        assert contrast_ratio(colour) >= 4.5, colour
    assert contrast_ratio(AXIS_COLOUR) >= 3  # graphical objects (WCAG 1.4.11)
    assert round(contrast_ratio("#000000"), 1) == 21.0 and contrast_ratio("#ffffff") == 1.0


def test_format_number_is_french():
    assert format_number(Decimal("1400000")) == "1\u202f400\u202f000"
    assert format_number(12.5) == "12,5" and format_number(None) == "—"


def test_format_number_rounds_to_its_decimals_and_writes_the_chosen_minus():
    assert format_number(Decimal("12.3456")) == "12,346"
    assert format_number(-1234.56, decimals=1, minus=MINUS) == "\u22121\u202f234,6"
    assert format_number(12.04, decimals=1) == "12" and format_number(-0.04, decimals=1) == "0"
    assert format_number(50, decimals=1, fixed=True) == "50,0"


def test_format_number_follows_the_active_language():
    with translation.override("en"):
        assert format_number(1400000.25) == "1,400,000.25"
        assert format_number(50, decimals=1, fixed=True) == "50.0"
    with translation.override("fr"):
        assert format_number(1400000.25) == "1\u202f400\u202f000,25"


def test_target_actual_chart_has_svg_title_and_table_alternative():
    chart = target_actual_chart(
        title="Emplois <b>",
        description="Cibles et mesures",
        targets=[(D(2021, 12, 31), Decimal(66000))],
        actuals=[(D(2019, 12, 31), Decimal(62500))],
        baseline=(D(2017, 10, 1), Decimal(60000)),
        target_label="Cible",
        actual_label="Mesure",
        baseline_label="Référence",
        legend_targets="Cibles",
        table_caption="Données",
        x_heading="Date",
        kind_heading="Nature",
        value_heading="Valeur",
        unit="emplois",
        uid="t",
    )
    assert 'role="img"' in chart.svg and 'aria-labelledby="t-title t-desc"' in chart.svg
    assert "Emplois &lt;b&gt;" in chart.svg and "<b>" not in chart.svg
    assert chart.svg.count("<polyline") == 2 and 'stroke-dasharray="6 4"' in chart.svg
    assert ">Cibles</text>" in chart.svg and "Cible 31/12/2021 : 66\u202f000 emplois" in chart.svg
    rows = chart.table.split("<tbody>")[1]
    assert rows.index("01/10/2017") < rows.index("31/12/2019") < rows.index("31/12/2021")
    assert '<th scope="col" class="num">Valeur (emplois)</th>' in chart.table
    assert str(chart) == chart.svg + chart.table


def test_line_chart_with_labels_places_them_evenly():
    chart = line_chart(
        title="Offres",
        description="Par métier",
        series=[Series("2024", [("Dév", 3), ("Data", 5)]), Series("2025", [("Dév", 4)], PALETTE[2])],
        table_caption="Offres par métier",
        x_heading="Métier",
        value_heading="Offres",
        series_heading="Année",
    )
    assert ">Dév</text>" in chart.svg and ">Data</text>" in chart.svg
    assert chart.table.count("<tr>") == 4  # header + 3 points


def test_empty_chart_says_so():
    chart = line_chart(
        title="Vide",
        description="",
        series=[],
        table_caption="c",
        x_heading="x",
        value_heading="v",
        series_heading="s",
        empty_text="Pas encore de données",
    )
    assert "Pas encore de données" in chart.svg and "Pas encore de données" in chart.table


def test_bar_chart_draws_values_targets_and_missing():
    chart = bar_chart(
        title="Avancement",
        description="",
        bars=[Bar("Emplois", 60, target=80), Bar("Fibre & co", None)],
        table_caption="Avancement",
        label_heading="Indicateur",
        value_heading="Avancement",
        target_heading="Cible",
        unit="%",
        max_value=100,
        missing_text="non mesurable",
    )
    assert chart.svg.count("<rect") == 1 and "<a " not in chart.svg
    assert "Cible : 80" in chart.svg and "non mesurable" in chart.svg
    assert "Fibre &amp; co" in chart.table and "non mesurable" in chart.table


@pytest.mark.parametrize("value", ["<script>", 'a" onload="x'])
def test_data_table_escapes(value):
    html = data_table(caption=value, headers=[value], rows=[[value]])
    assert "<script>" not in html and 'onload="x' not in html


def test_yearly_line_svg_draws_one_line_and_legend_per_series():
    svg = yearly_line_svg(
        title="Actifs",
        description="Voir le tableau.",
        years=[2020, 2021, 2022],
        series={
            "Côte-d'Or": {2020: 1200, 2021: 1250.5, 2022: None},
            "Doubs": {2020: 900, 2021: 950, 2022: 990},
        },
        empty_text="Pas encore de données",
        uid="y",
    )
    assert svg.count("<polyline") == 2 and "<polygon" not in svg  # circle, then square markers
    assert "Côte-d&#x27;Or 2021 : 1\u202f250,5" in svg and "Doubs 2022 : 990" in svg
    assert '<desc id="y-desc">Voir le tableau.</desc>' in svg
    empty = yearly_line_svg(title="t", description="", years=[], series={}, empty_text="Rien", uid="e")
    assert ">Rien</text></svg>" in empty


def test_ranked_bar_svg_cuts_long_labels_and_keeps_them_in_the_tooltip():
    label = "62.01Z Programmation informatique et autres activités très longues à nommer"
    svg = ranked_bar_svg(title="NAF", description="", bars=[(label, 1500), ("Autre", 750)], empty_text="Rien")
    assert svg.count("<rect") == 2 and f"<title>{label}</title>" in svg and label[:45] + "…" in svg
    assert ">1\u202f500</text>" in svg
