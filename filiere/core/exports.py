"""What every file export shares: the formats offered and the formula-injection guard.

A spreadsheet runs any cell that starts with = + - @ (or a tab / carriage return, which some
programs skip before looking for a formula). Every exporter (directory, gap table, training
map, observatory, roadmaps) passes its text cells through `safe_cell` or `safe_value`, so a
formula planted in a name (`=HYPERLINK(…)`) arrives as inert text with a leading apostrophe
(CSV injection, OWASP). Importers that read our own files back call `unguard` to drop it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell as text, neutralised against formula injection (dates as ISO 8601, None as "")."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_value(value: Any) -> Any:
    """A typed cell: numbers, dates and None kept as they are (a spreadsheet can sum them), text guarded."""
    if value is None or isinstance(value, int | float | date):
        return value
    return safe_cell(value)


def unguard(text: str) -> str:
    """Undo `safe_cell` on text read back from one of our files ("'=x" → "=x")."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
