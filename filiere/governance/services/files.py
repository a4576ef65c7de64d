"""Reading the CSV files associations keep (bank statements, ledgers): encoding, separator,
amounts and dates in French."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from filiere.core.imports import ImportReport


def parse_amount(text: str) -> Decimal:
    """An amount as French spreadsheets write it (1 234,50 €, non-breaking spaces)."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    return Decimal(cleaned)


def parse_date(text: str) -> dt.date:
    """A date as 31/12/2026, 2026-12-31 or 31/12/26; ValueError otherwise."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def decode(data: bytes, report: ImportReport) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as French spreadsheets save CSV, with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warn(line=None, field="encodage", message=_("Fichier non UTF-8 : lu en Windows-1252."))
        return data.decode("cp1252", errors="replace")


def sniff_rows(text: str) -> list[dict[str, str]]:
    """CSV rows (`;` or `,`), headers folded to lower case without spaces."""
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")  # type: ignore[assignment]
    except csv.Error:
        pass
    reader = csv.reader(io.StringIO(text), dialect)
    rows = list(reader)
    if not rows:
        return []
    headers = [re.sub(r"\s+", "_", h.strip().lower()) for h in rows[0]]
    return [dict(zip(headers, [c.strip() for c in row], strict=False)) for row in rows[1:]]
