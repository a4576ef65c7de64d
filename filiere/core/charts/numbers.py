"""The one number formatter of the platform: charts, maps, tables and explanations write figures
through `format_number`, so a number reads the same everywhere, in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format

Number = Decimal | float | int
X = dt.date | str

#: The typographic minus sign (U+2212), used where figures are set in columns or legends.
MINUS = "\u2212"


def number_separators() -> tuple[str, str]:
    """(thousands, decimal) separators of the active language: "\u202f" and "," in French (the
    narrow no-break space of French typography, where Django says a plain no-break space),
    "," and "." in English."""
    thousands, decimal = str(get_format("THOUSAND_SEPARATOR")), str(get_format("DECIMAL_SEPARATOR"))
    return ("\u202f" if thousands in ("\xa0", " ") else thousands), decimal


def format_number(value: Number | None, *, decimals: int = 3, fixed: bool = False, minus: str = "-") -> str:
    """A number written the way of the active language: "1 400 000" and "12,5" in French,
    "1,400,000" and "12.5" in English; None is a dash.

    Rounded to `decimals` places (half up), trailing zeros dropped unless `fixed` ("50,0 %");
    `minus` is the sign written before a negative number (`MINUS` for the typographic one)."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = minus if number < 0 else ""
    whole, _sep, frac = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if not fixed:
        frac = frac.rstrip("0")
    thousands, decimal = number_separators()
    return sign + thousands.join(groups) + (decimal + frac if frac else "")


def format_x(x: X) -> str:
    """A point's position as a person reads it: dd/mm/yyyy for a date, the label otherwise."""
    return x.strftime("%d/%m/%Y") if isinstance(x, dt.date) else str(x)
