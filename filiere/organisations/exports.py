"""Directory exports: any search result set as CSV (streamed), XLSX or ODS.

CSV streams row by row, so an export of a million establishments uses constant memory.
XLSX and ODS are built in memory by tablib, so they are capped at SPREADSHEET_MAX_ROWS rows
(documented here and on the refusal page): above it, the user is told to narrow the search
or download the CSV, never silently given a truncated file.

Cells go through `core.exports.safe_cell` (a leading apostrophe before = + - @, tab, carriage
return), so a spreadsheet never runs a formula planted in an organisation's name (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from filiere.core.exports import FORMATS, safe_cell

from .models import HeadcountBand, Kind, Source, State
from .selectors import all_naf_labels, public_name

SPREADSHEET_MAX_ROWS = 50_000
CHUNK_SIZE = 2_000


def headers() -> list[str]:
    """Column titles, in French (through gettext)."""
    return [
        _("SIRET"),
        _("SIREN"),
        _("Nom"),
        _("Enseigne"),
        _("Adresse"),
        _("Code postal"),
        _("Commune"),
        _("Département"),
        _("Région"),
        _("Code NAF"),
        _("Libellé NAF"),
        _("Numérique"),
        _("Tranche d'effectif"),
        _("Type"),
        _("État"),
        _("Date de création"),
        _("Date de fermeture"),
        _("Source"),
    ]


def rows(queryset: QuerySet) -> Iterator[list[str]]:
    """One list of cells per establishment, streamed from the database in chunks."""
    from filiere.territories.models import Department, Region

    regions = dict(Region.objects.values_list("code", "name"))
    departments = dict(Department.objects.values_list("code", "name"))
    naf = all_naf_labels()
    bands = dict(HeadcountBand.choices)
    kinds = dict(Kind.choices)
    states = dict(State.choices)
    sources = dict(Source.choices)
    yes, no = _("oui"), _("non")
    for est in queryset.select_related("organisation").iterator(chunk_size=CHUNK_SIZE):
        org = est.organisation
        diffusible = org.is_diffusible and est.is_diffusible
        cells = [
            est.siret,
            org.siren,
            public_name(org, establishment=est) if diffusible else _("Non diffusible"),
            est.sign if diffusible else "",
            est.address if diffusible else "",
            est.postcode,
            est.city,
            departments.get(est.department_code, est.department_code),
            regions.get(est.region_code, est.region_code),
            est.naf_code,
            naf.get(est.naf_code, ""),
            yes if est.is_digital else no,
            bands.get(est.headcount_band, est.headcount_band),
            kinds.get(est.kind, est.kind),
            states.get(est.state, est.state),
            est.creation_date,
            est.closure_date,
            sources.get(org.source, org.source),
        ]
        yield [safe_cell(c) for c in cells]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer + streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet) -> Iterator[str]:
    """The CSV export line by line: a UTF-8 BOM (so Excel reads accents), header, rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for row in rows(queryset):
        yield writer.writerow(row)


def spreadsheet(queryset: QuerySet, fmt: str) -> bytes:
    """An XLSX or ODS file of at most SPREADSHEET_MAX_ROWS rows (callers check the count first)."""
    import tablib

    dataset = tablib.Dataset(headers=headers(), title=_("Annuaire"))
    for row in rows(queryset[:SPREADSHEET_MAX_ROWS]):
        dataset.append(row)
    return dataset.export(fmt)


def filename(fmt: str, today: date | None = None) -> str:
    """Download name: annuaire-filiere-YYYY-MM-DD.<ext>."""
    return f"annuaire-filiere-{(today or date.today()).isoformat()}.{FORMATS[fmt][1]}"


def as_table(queryset: QuerySet) -> Iterable[list[str]]:
    """Header then rows (used by tests and other apps that need the same columns)."""
    yield headers()
    yield from rows(queryset)
