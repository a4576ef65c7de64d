"""core.charts' grouped bars: one bar per series in each group, named on the bar's left (not by
colour only), the note written after the value, numbers the way of the page's language."""

from __future__ import annotations

from django.utils import translation

from filiere.core.charts import BarGroup, grouped_bar_chart

GROUPS = [
    BarGroup("Promotion A", [79.1, 93.3, None], ["2 inconnues", "", "3 à venir"]),
    BarGroup("Promotion B", [100, 50.5, 12.25]),
]


def _chart():
    return grouped_bar_chart(
        title="Retour à l'emploi",
        description="Par promotion",
        groups=GROUPS,
        series_labels=["3 mois", "6 mois", "12 mois"],
        table_caption="Retour à l'emploi par promotion",
        label_heading="Promotion",
        note_heading="inconnues",
        unit="%",
        max_value=100,
        missing_text="aucune connue",
        uid="t",
    )


def test_each_group_has_a_named_bar_per_series_and_its_note():
    with translation.override("fr"):
        chart = _chart()
    svg = str(chart.svg)
    assert svg.count("<rect") == 5  # the missing value draws no bar…
    assert "aucune connue · 3 à venir" in svg  # …but says so, with its note
    assert "79,1 % · 2 inconnues" in svg and svg.count(">12 mois</text>") == 2
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg


def test_table_has_a_column_per_series_and_note_in_the_language_of_the_page():
    with translation.override("en"):
        table = str(_chart().table)
    assert '<th scope="col" class="num">3 mois (%)</th><th scope="col">3 mois : inconnues</th>' in table
    assert ">79.1<" in table and ">12.25<" in table and ">aucune connue<" in table
    with translation.override("fr"):
        assert ">79,1<" in str(_chart().table)


def test_no_group_says_so():
    chart = grouped_bar_chart(
        title="t",
        description="d",
        groups=[],
        series_labels=["a"],
        table_caption="c",
        label_heading="l",
        missing_text="Rien",
        uid="e",
    )
    assert "Rien" in str(chart.svg) and "Rien" in str(chart.table)
