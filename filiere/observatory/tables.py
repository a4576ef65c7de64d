"""The observatory's tables: one object per table, rendered on the page and downloaded as CSV, XLSX, ODS.

A page builds its `Table`s from the selectors once; the template shows them and the download
writes the very same cells, so a file can never disagree with the page. Text cells go through
`core.exports.safe_value` (a leading apostrophe before = + - @), numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from filiere.core.charts import MINUS, format_number
from filiere.core.exports import FORMATS, safe_value
from filiere.observatory.selectors import (
    AGREEMENT_MARGIN,
    BreakdownRow,
    Comparison,
    FigureRow,
    Territory,
    YearRow,
)
from filiere.territories.maps import MapRow

Cell = str | int | float | None


@dataclass
class Table:
    """A table as shown and as downloaded: a key (the ``table=`` parameter), caption, headers, rows."""

    key: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    numeric: set[int] = field(default_factory=set)  # column indexes right-aligned and formatted
    links: list[str] = field(default_factory=list)  # optional link for each row, on `link_column`
    link_column: int = 0

    def cells(self) -> list[list[Cell]]:
        """Rows as written to files: text neutralised against formula injection, numbers kept."""
        return [[safe_value(c) for c in row] for row in self.rows]


def series_table(territory: Territory, rows: Sequence[YearRow], *, digital_only: bool = True) -> Table:
    caption = _("Établissements et emplois estimés par année — %(name)s") % {"name": territory.name}
    if not digital_only:
        caption = _("Tous secteurs : établissements par année — %(name)s") % {"name": territory.name}
    return Table(
        "series" if digital_only else "series_all",
        caption,
        [
            _("Année"),
            _("Établissements actifs au 31/12"),
            _("Créations"),
            _("Fermetures"),
            _("Emplois estimés"),
            _("Évolution sur un an (%)"),
        ],
        [[r.year, r.active, r.creations, r.closures, r.jobs, r.growth] for r in rows],
        numeric={1, 2, 3, 4, 5},
    )


def naf_table(territory: Territory, rows: Sequence[BreakdownRow], year: int, *, detail: bool) -> Table:
    what = _("sous-classe NAF") if detail else _("division NAF")
    return Table(
        "naf_detail" if detail else "naf",
        _("Établissements numériques actifs fin %(year)s par %(what)s — %(name)s")
        % {"year": year, "what": what, "name": territory.name},
        [_("Code NAF"), _("Libellé"), _("Établissements actifs"), _("Emplois estimés"), _("Part (%)")],
        [[r.code, r.label, r.active, r.jobs, r.share] for r in rows],
        numeric={2, 3, 4},
    )


def band_table(territory: Territory, rows: Sequence[BreakdownRow]) -> Table:
    return Table(
        "bands",
        _("Établissements numériques actifs par tranche d'effectif — %(name)s") % {"name": territory.name},
        [
            _("Code"),
            _("Tranche d'effectif salarié"),
            _("Établissements actifs"),
            _("Emplois estimés"),
            _("Part (%)"),
        ],
        [[r.code, r.label, r.active, r.jobs, r.share] for r in rows],
        numeric={2, 3, 4},
    )


def figures_table(territory: Territory, rows: Sequence[FigureRow]) -> Table:
    return Table(
        "official",
        _("Chiffres publiés et chiffres calculés — %(name)s") % {"name": territory.name},
        [
            _("Indicateur"),
            _("Année"),
            _("Fin de période"),
            _("Valeur publiée"),
            _("Unité"),
            _("Calculé par la plateforme"),
            _("Écart (%)"),
            _("Dans la marge de ±%(margin)s %%") % {"margin": round(AGREEMENT_MARGIN * 100)},
            _("Source"),
            _("Licence"),
        ],
        [
            [
                r.indicator_label,
                r.year,
                r.end_year,
                float(r.value),
                r.unit,
                r.computed,
                r.difference,
                None if r.agrees is None else (_("oui") if r.agrees else _("non")),
                r.source,
                r.licence,
            ]
            for r in rows
        ],
        numeric={3, 5, 6},
        links=[r.source_url for r in rows],
        link_column=8,
    )


def map_table(rows: Sequence[MapRow], *, level_label: str, measure_label: str, caption: str) -> Table:
    return Table(
        "map",
        caption,
        [_("Code"), level_label, measure_label],
        [[r.code, r.name, r.value] for r in rows],
        numeric={2},
        links=[r.url for r in rows],
        link_column=1,
    )


def comparison_table(comparison: Comparison, *, jobs: bool = False) -> Table:
    values = comparison.jobs if jobs else comparison.active
    return Table(
        "compare_jobs" if jobs else "compare",
        _("Emplois estimés par année") if jobs else _("Établissements numériques actifs au 31/12 par année"),
        [_("Année"), *(t.name for t in comparison.territories)],
        [[year, *(values[t.code].get(year) for t in comparison.territories)] for year in comparison.years],
        numeric=set(range(1, len(comparison.territories) + 1)),
    )


def _cell_html(cell: Cell, numeric: bool) -> str:
    if numeric:
        return format_number(cell, decimals=1, minus=MINUS) if isinstance(cell, int | float) else "—"
    return "—" if cell is None else str(escape(cell))


def table_html(table: Table, params: dict[str, Any]) -> SafeString:
    """The table as shown on a page, with its CSV/XLSX/ODS download links."""
    out = [
        f'<div class="obs-table"><table id="table-{escape(table.key)}"><caption>{escape(table.caption)}</caption>'
        "<thead><tr>"
    ]
    for index, header in enumerate(table.headers):
        css = ' class="num"' if index in table.numeric else ""
        out.append(f'<th scope="col"{css}>{escape(header)}</th>')
    out.append("</tr></thead><tbody>")
    for row_index, row in enumerate(table.rows):
        out.append("<tr>")
        for index, cell in enumerate(row):
            numeric = index in table.numeric
            text = _cell_html(cell, numeric)
            link = table.links[row_index] if table.links and index == table.link_column else ""
            if link:
                text = f'<a href="{escape(link)}">{text}</a>'
            if index == 0:
                out.append(f'<th scope="row">{text}</th>')
            else:
                out.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        out.append("</tr>")
    if not table.rows:
        empty = _("Aucune donnée pour cette sélection.")
        out.append(f'<tr><td colspan="{len(table.headers)}">{escape(empty)}</td></tr>')
    out.append("</tbody></table>")
    pairs = [(k, v) for k, v in params.items() if v not in (None, "")]
    links = " · ".join(
        f'<a href="?{escape(urlencode([*pairs, ("format", fmt), ("table", table.key)], doseq=True))}">{label}</a>'
        for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS"))
    )
    download = _("Télécharger ce tableau :")
    out.append(f'<p class="obs-downloads">{escape(download)} {links}</p></div>')
    return mark_safe("".join(out))


def pick(tables: Sequence[Table], key: str | None) -> Table | None:
    """The table named by ``?table=`` (the first one when absent), or None if unknown."""
    if not tables:
        return None
    if not key:
        return tables[0]
    return next((t for t in tables if t.key == key), None)


def download(table: Table, fmt: str, *, stem: str) -> HttpResponse:
    """The table as a CSV (UTF-8 with BOM, for Excel), XLSX or ODS file."""
    content_type, extension = FORMATS[fmt]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(table.headers)
        writer.writerows(["" if c is None else c for c in row] for row in table.cells())
        body: bytes | str = "\ufeff" + buffer.getvalue()
    else:
        import tablib

        dataset = tablib.Dataset(headers=table.headers, title=table.key[:31])
        for row in table.cells():
            dataset.append(row)
        body = dataset.export(fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table.key}.{extension}"'
    return response


def formats() -> tuple[str, ...]:
    return tuple(FORMATS)


def measure_labels() -> dict[str, str]:
    """What each map measure shows, in French."""
    return {
        "active": _("Établissements numériques actifs"),
        "jobs": _("Emplois estimés"),
        "creations": _("Créations dans l'année"),
        "closures": _("Fermetures dans l'année"),
        "growth": _("Évolution des établissements sur la période (%)"),
    }


def measure_units() -> dict[str, str]:
    return {
        "active": _("établissements"),
        "jobs": _("emplois"),
        "creations": _("créations"),
        "closures": _("fermetures"),
        "growth": "%",
    }


#: The labels drawn by `territories.maps` (translated through this app's catalogue, since the
#: territories catalogue has another owner: see docs/observatory.md).
MAP_LABELS = (
    gettext_noop("Carte choroplèthe de France par territoire."),
    gettext_noop("Les valeurs figurent dans le tableau qui suit la carte."),
    gettext_noop("Pas de donnée"),
)
