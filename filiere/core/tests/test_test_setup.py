"""The suite's own set-up (root conftest): what a transactional test's flush leaves behind."""

from __future__ import annotations

from django.core.management.color import no_style
from django.core.management.commands import flush
from django.db import connection

from filiere.territories.models import Region


def _flushed_sql() -> str:
    return " ".join(flush.sql_flush(no_style(), connection))  # type: ignore[attr-defined]


def test_a_flush_keeps_the_intact_reference_and_flushes_a_changed_one(reference_territories):
    assert "territories_commune" not in _flushed_sql()
    assert "taxonomy_nafcode" not in _flushed_sql()
    assert "organisations_organisation" in _flushed_sql()  # everything else goes, as before

    Region.objects.create(code="ZZ", name="Région de test")  # a test left a row of its own

    assert "territories_commune" in _flushed_sql() and "taxonomy_nafcode" in _flushed_sql()


def test_recorded_durations_add_up_per_scheduling_scope(tmp_path) -> None:
    """tools/test_durations.py: seconds per file, and per package for the packages run together."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    spec = importlib.util.spec_from_file_location("test_durations_tool", root / "tools" / "test_durations.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    junit = tmp_path / "run.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="filiere.core.tests.test_a" name="one" time="1.5"/>'
        '<testcase classname="filiere.core.tests.test_a" name="two" time="2.0"/>'
        '<testcase classname="filiere.matching.tests.test_b" name="one" time="4.0"/>'
        '<testcase classname="filiere.matching.tests.test_c" name="one" time="1.0"/>'
        '<testcase classname="bench.test_bench_x" name="one" time="0.25"/>'
        "</testsuite></testsuites>"
    )
    assert tool.durations(junit) == {
        "bench/test_bench_x.py": 0.2,
        "filiere/core/tests/test_a.py": 3.5,
        "filiere/matching/tests/": 5.0,
    }
