"""The one formula guard every exporter uses."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.core.exports import safe_cell, safe_value, unguard


@pytest.mark.parametrize("text", ["=1+1", "+33", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formulas_get_an_apostrophe_and_come_back(text):
    assert safe_cell(text) == "'" + text
    assert unguard(safe_cell(text)) == text


def test_plain_text_numbers_and_dates():
    assert (
        safe_cell("Région") == "Région"
        and safe_cell(None) == ""
        and safe_cell(dt.date(2026, 1, 2)) == "2026-01-02"
    )
    assert safe_value(-3) == -3 and safe_value(1.5) == 1.5 and safe_value(None) is None
    assert safe_value("-3") == "'-3"
    assert unguard("'plain") == "'plain"
