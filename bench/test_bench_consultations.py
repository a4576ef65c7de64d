"""Smoke test of the consultations benchmark: small data, SQLite; the section page ranks like the
naive per-item count and the report counts like the naive per-participant one (no timing here)."""

from __future__ import annotations

from argparse import Namespace

import pytest

from bench import bench_consultations


@pytest.mark.django_db(transaction=True)
def test_section_page_and_report_agree_with_the_naive_queries() -> None:
    result = bench_consultations.run(Namespace(rows=20_000))
    assert (result["contributions"], result["supports"], result["participants"]) == (4_000, 20_000, 1_000)
    assert result["section_same_order"] is True
    assert result["report_equal"] is True
    assert len(bench_consultations.table(result)) == 6
