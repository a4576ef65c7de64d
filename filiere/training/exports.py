"""Exports of the training map (skill family × department) as CSV, XLSX or ODS.

Cells go through the shared `core.exports.safe_cell`, so a spreadsheet never runs a formula planted in a
label (CSV injection).
"""

from __future__ import annotations

import tablib
from django.utils.translation import gettext as _

from filiere.core.exports import FORMATS, safe_cell

from .selectors import OfferMap

__all__ = ["FORMATS", "offer_map_dataset"]


def offer_map_dataset(table: OfferMap) -> tablib.Dataset:
    """One row per skill family, one column per department (then distance learning and total)."""
    dataset = tablib.Dataset(
        headers=[_("Famille de compétences"), *(label for _code, label in table.departments), _("Total")]
    )
    for family, label in table.families:
        dataset.append(
            [
                safe_cell(label),
                *(table.cells.get((family, code), 0) for code, _label in table.departments),
                table.row_totals.get(family, 0),
            ]
        )
    dataset.append(
        [_("Total"), *(table.column_totals.get(code, 0) for code, _label in table.departments), table.total]
    )
    dataset.title = _("Carte de l'offre")[:31]
    return dataset


def export_offer_map(table: OfferMap, fmt: str) -> bytes:
    """The map in `fmt` ("csv", "xlsx" or "ods")."""
    dataset = offer_map_dataset(table)
    if fmt == "csv":
        return dataset.export("csv").encode("utf-8-sig")
    return dataset.export(fmt)
