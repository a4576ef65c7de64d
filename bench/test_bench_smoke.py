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


@pytest.mark.django_db(transaction=True)
def test_sirene_benchmark_reports_ratios(tmp_path: Path) -> None:
    result = bench_sirene.run(Namespace(rows=3000, data_dir=tmp_path, skip_territories=True, batch_size=500))
    assert result["rows"] == 3000
    assert result["digital_rows"] > 0
    assert result["import_vs_baseline"] > 0
    assert result["rerun_speedup"] > 0
    assert set(result["goals"]) == {"scan_rows_per_s", "import_vs_baseline", "rerun_speedup"}
    assert all(isinstance(goal["pass"], bool) for goal in result["goals"].values())
    assert bench_sirene.table(result)


def test_runner_discovers_benchmark_modules() -> None:
    assert "bench_sirene" in runner.modules(None)
    assert runner.modules("sirene") == ["bench_sirene"]
    assert runner.modules("nothing") == []
