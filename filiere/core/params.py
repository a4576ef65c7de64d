"""Numbers read from a query string or a form field, safely.

`"²".isdigit()` is True but `int("²")` raises, and an id past 2**63 overflows SQLite's integers:
both used to end in a server error. `parse_int` accepts ASCII digits only, within the range of
a database integer, and says None otherwise, so a view can answer 404 or ignore the parameter.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

DB_INT_MAX = 2**63 - 1


def parse_int(value: object, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int | None:
    """The integer in `value` ("42", " 42 ", "-3" when minimum allows it), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        digits = text[1:] if text.startswith("-") else text
        if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


# Types for ninja query parameters. PostgreSQL text cannot hold NUL, so a filter read without a
# Django form (whose fields refuse NUL) must refuse it before any query: a 422 naming the field.
TerritoryCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{0,5}$")]
"""A region, department or commune code ("76", "2A", "31555"), or empty."""

FilterText = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
"""A short free-text filter (a theme, a kind), without NUL characters."""

RowId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
"""The id of a row named in a query parameter: past a database integer it is a 422, not an
overflow (SQLite's integers stop at 2**63 - 1)."""
