"""Dates on pages are unambiguous: the month in full ("18 juin 2027", never "18 Jui 2027")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation


def test_session_dates_name_the_month_in_full():
    session = SimpleNamespace(
        start_date=dt.date(2027, 6, 18), end_date=dt.date(2027, 7, 1), distance_learning=True,
        city="", department_code="", places=None, status="open",
    )  # fmt: skip
    with translation.override("fr"):
        assert "18 juin 2027 – 1 juillet 2027" in render_to_string(
            "training/_session_row.html", {"s": session}
        )
    with translation.override("en"):
        assert "18 June 2027 – 1 July 2027" in render_to_string("training/_session_row.html", {"s": session})
