"""Smoke test of the benchmark harness: tiny data, SQLite, a few seconds."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest

from bench import __main__ as runner
from bench import bench_sirene, generate


def test_generator_writes_the_exact_insee_format(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    path = generate.ensure(500, data_dir=Path(settings.FILIERE_DATA_DIR), out_dir=tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == generate.header(Path(settings.FILIERE_DATA_DIR))
    assert len(lines) == 501
    assert generate.ensure(500, data_dir=Path(settings.FILIERE_DATA_DIR), out_dir=tmp_path) == path  # reused


def _within_rounding(ratio: float, numerator: float, denominator: float, *, scale: float = 1.0) -> bool:
    """`ratio` (reported to 2 decimals) is scale × numerator ÷ denominator, both reported to the
    millisecond (± 0.0005 s)."""
    half = 0.0005
    low = scale * max(numerator - half, 0) / (denominator + half)
    high = scale * (numerator + half) / max(denominator - half, 1e-9)
    return low - 0.005 <= ratio <= high + 0.005


@pytest.mark.django_db(transaction=True)
def test_sirene_benchmark_reports_ratios(tmp_path: Path) -> None:
    from filiere.organisations.models import Establishment

    result = bench_sirene.run(
        Namespace(rows=3000, data_dir=tmp_path, skip_territories=True, batch_size=500, repeats=2)
    )
    assert result["rows"] == 3000 and result["repeats"] == 2
    assert 0 < result["digital_rows"] < 3000
    # The counts are those of the database the last import left.
    counts = result["import_counts"]
    assert counts["read"] == 3000 and counts["kept"] == result["digital_rows"]
    assert counts["created"] == Establishment.objects.count() > 0
    assert result["rerun_unchanged"] == counts["created"]
    # The ratios are computed from the measured times, and the goals from the ratios.
    assert result["import_seconds"] == min(result["runs_seconds"]["import"])
    assert result["baseline_seconds"] == min(result["runs_seconds"]["baseline"])
    # The seconds are reported to the millisecond: on 3,000 rows a run takes a few of them, so the
    # ratio recomputed from the reported seconds can only be bounded by their rounding.
    assert _within_rounding(
        result["import_vs_baseline"],
        result["baseline_seconds"],
        result["import_seconds"],
        scale=3000 / result["baseline_rows"],
    )
    assert _within_rounding(result["rerun_speedup"], result["import_seconds"], result["rerun_seconds"])
    assert len(result["import_vs_baseline_each_run"]) == 2
    assert result["goals"] == {
        name: {"target": target, "value": result[name], "pass": result[name] >= target}
        for name, target in bench_sirene.GOALS.items()
    }
    rows = {measure: (value, goal) for measure, value, goal in bench_sirene.table(result)}
    verdict = "PASS" if result["goals"]["rerun_speedup"]["pass"] else "FAIL"
    assert rows["first run ÷ rerun (time)"] == (f"{result['rerun_speedup']}×", f"≥ 2.0× {verdict}")


def test_runner_discovers_benchmark_modules() -> None:
    assert "bench_sirene" in runner.modules(None)
    assert runner.modules("sirene") == ["bench_sirene"]
    assert runner.modules("nothing") == []
