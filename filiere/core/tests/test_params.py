"""parse_int: digits a user typed, or None (never a ValueError or an integer SQLite cannot hold)."""

from __future__ import annotations

import pytest

from filiere.core.params import DB_INT_MAX, parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (3, 3),
        ("²", None),
        ("1²", None),
        ("٣", None),
        ("", None),
        (None, None),
        ("abc", None),
        ("-3", None),
        (str(DB_INT_MAX), DB_INT_MAX),
        (str(DB_INT_MAX + 1), None),
        ("9" * 5000, None),
        (True, None),
    ],
)
def test_parse_int(value, expected):
    assert parse_int(value) == expected


def test_bounds():
    assert parse_int("-3", minimum=-10) == -3
    assert parse_int("2025", minimum=1000, maximum=9999) == 2025 and parse_int("20250", maximum=9999) is None
