"""Reading a participants' file: CSV (UTF-8 or Windows-1252) or XLSX (a table per sheet), its
tables recognised by their header (docs/meetings.md, "Participants' import")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from filiere.core.imports import ImportReport
from filiere.core.text import fold

PARTICIPANT_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "courriel", "adresse e-mail", "mail"),
    "last_name": ("nom", "last name"),
    "first_name": ("prénom", "first name"),
    "siret": ("siret", "siren"),
    "organisation": ("organisation", "entreprise", "raison sociale"),
    "role": ("rôle", "role"),
    "unavailable": ("indisponibilités", "créneaux indisponibles", "unavailable slots"),
    "fixed_table": ("table fixe", "fixed table"),
    "presentation": ("présentation", "ce que je cherche ou propose", "presentation"),
}
REQUEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "sender": ("demandeur", "email 1", "e-mail 1", "sender"),
    "recipient": ("destinataire", "email 2", "e-mail 2", "recipient"),
    "priority": ("priorité", "priority"),
    "reason": ("motif", "reason"),
}


class FileRefused(Exception):
    """The file as a whole cannot be imported (nothing was written)."""


def key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", fold(text).strip().lower().replace("’", "'"))


def columns(headers: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    folded = {key(h): i for i, h in enumerate(headers) if h}
    found: dict[str, int] = {}
    for name, aliases in wanted.items():
        for alias in aliases:
            if key(alias) in folded:
                found[name] = folded[key(alias)]
                break
    return found


def clean(text: str) -> str:
    """A cell's text, trimmed, without NUL characters (PostgreSQL refuses them in text)."""
    return text.replace("\x00", "").strip()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


@dataclass
class Table:
    where: str  # "" for a CSV file, the sheet's name for a workbook
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)


def decode(data: bytes, report: ImportReport) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as French spreadsheets save CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warn(line=None, field="encodage", message=_("Fichier non UTF-8 : lu en Windows-1252."))
        return data.decode("cp1252", errors="replace")


def csv_table(data: bytes, report: ImportReport) -> Table:
    """The file's one table, read whole before anything is written (the file is at most a few
    MB): a CSV the reader chokes on is refused as a whole."""
    text = decode(data, report)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [clean(h) for h in next(reader, [])]
        rows = [(reader.line_num, [clean(c) for c in cells]) for cells in reader]
    except csv.Error as error:
        raise FileRefused(
            _("Fichier CSV illisible à la ligne %(line)d (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
    return Table("", headers, iter(rows))


def xlsx_tables(data: bytes) -> list[Table]:
    from openpyxl import load_workbook  # heavy: only when a workbook comes in

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, ValueError… on a bad file
        raise FileRefused(
            _("Classeur XLSX illisible (%(error)s).") % {"error": type(error).__name__}
        ) from None
    tables = []
    for sheet in book.worksheets:
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        headers = [cell(h) for h in first or ()]
        width = len(headers)

        def rows(values: Any = values, width: int = width) -> Iterator[tuple[int, list[str]]]:
            for line, row in enumerate(values, start=2):
                yield line, [cell(c) for c in row[:width]]

        tables.append(Table(sheet.title, headers, rows()))
    return tables
