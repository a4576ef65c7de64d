"""`python -m bench` (`make bench`): run every bench/bench_*.py on a fresh database per engine.

Each module exposes `run(args) -> dict` (and optionally `table(result)` for the report). Results
go to bench/results/<name>-<engine>.json and docs/benchmarks.md is rebuilt from all results.
Django can be set up once per process, so `--engine both` runs one child process per engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
SQLITE_PATH = BENCH_DIR / "data" / "bench.sqlite3"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "filiere_bench"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of generated data (default 1,000,000)"
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", help="run only bench_<NAME>.py (e.g. sirene)")
    parser.add_argument(
        "--duration", type=float, default=60, help="load test: seconds per server (default 60)"
    )
    parser.add_argument("--clients", type=int, default=50, help="load test: concurrent clients (default 50)")
    return parser.parse_args(argv)


def modules(only: str | None) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(BENCH_DIR)]) if m.name.startswith("bench_"))
    if only:
        names = [n for n in names if n in (only, f"bench_{only}")]
    return names


def _setup_database(engine: str) -> None:
    if engine == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def run_engine(args: argparse.Namespace) -> int:
    """Run the selected benchmarks on one engine, in this process."""
    os.environ.setdefault("SECRET_KEY", "bench-only")
    # Pages rendered in process (observatory) use the apps' static files: no collectstatic here.
    os.environ.setdefault("STATIC_COLLECTED", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "filiere.settings"
    _setup_database(args.engine)
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    failures = 0
    try:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(modules(args.only)):
            short = name.removeprefix("bench_")
            if index:  # every benchmark starts from a fresh, migrated database
                connections.close_all()
                _setup_database(args.engine)
            call_command("migrate", verbosity=0)
            print(f"== {short} on {args.engine} ({args.rows:,} rows)", flush=True)
            module = importlib.import_module(f"bench.{name}")
            try:
                result = module.run(args)
            except Exception:  # one broken benchmark must not hide the others
                traceback.print_exc()
                failures += 1
                continue
            result["meta"] = {
                "benchmark": short,
                "engine": args.engine,
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "commit": _git_commit(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "command": f"python -m bench --engine {args.engine} --rows {args.rows} --only {short}",
            }
            (RESULTS_DIR / f"{short}-{args.engine}.json").write_text(
                json.dumps(result, indent=2, default=str)
            )
            for measure, value, goal in _table(module, result):
                print(f"  {measure:<48} {value:>28}  {goal}")
    finally:
        connections.close_all()
        if args.engine == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
    return failures


def _table(module: Any, result: dict[str, Any]) -> list[tuple[str, str, str]]:
    if hasattr(module, "table"):
        try:
            return list(module.table(result))
        except (KeyError, TypeError, ValueError):
            pass
    return [(k, str(v), "") for k, v in result.items() if not isinstance(v, dict | list)]


def write_docs() -> None:
    """Rebuild docs/benchmarks.md from every bench/results/*.json."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m bench`) from `bench/results/*.json`; do not edit by hand.",
        "Numbers come from a shared 2-core machine and are noisy: compare ratios, which are measured",
        "against a baseline in the same run, rather than absolute speeds.",
        "",
        "Reproduce: `make bench` (both engines, 1,000,000 rows), or e.g.",
        "`SECRET_KEY=x .venv/bin/python -m bench --engine sqlite --rows 1000000 --only sirene`.",
        "",
        "Matching quality (recall@10, MRR, MAP, hybrid against lexical-only) is in",
        "[matching-eval.md](matching-eval.md).",
        "",
    ]
    for path in sorted(RESULTS_DIR.glob("*.json")):
        result = json.loads(path.read_text())
        if "meta" not in result:
            continue  # not a benchmark run (e.g. matching-eval.json, reported in docs/matching-eval.md)
        meta = result.get("meta", {})
        name = meta.get("benchmark", path.stem.rsplit("-", 1)[0])
        try:
            module: Any = importlib.import_module(f"bench.bench_{name}")
        except ImportError:
            module = None
        lines += [
            f"## {name} — {meta.get('engine', '?')}",
            "",
            f"{meta.get('date', '')}, commit {meta.get('commit', '?')}, Python {meta.get('python', '?')}, "
            f"{meta.get('cpus', '?')} CPUs. Command: `{meta.get('command', '')}`.",
            "",
            "| measure | value | goal |",
            "|---|---:|---|",
        ]
        lines += [f"| {m} | {v} | {g} |" for m, v, g in _table(module, result)]
        if module is not None and module.__doc__:
            lines += ["", module.__doc__.strip()]
        lines.append("")
    DOCS.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(ROOT))
    if args.engine == "both":
        code = 0
        for engine in ("sqlite", "postgres"):
            child = [sys.executable, "-m", "bench", "--engine", engine, "--rows", str(args.rows)]
            child += ["--duration", str(args.duration), "--clients", str(args.clients)]
            if args.only:
                child += ["--only", args.only]
            code = max(code, subprocess.run(child, cwd=ROOT).returncode)
    else:
        code = 1 if run_engine(args) else 0
    write_docs()
    print(f"Results in {RESULTS_DIR.relative_to(ROOT)}/, report in {DOCS.relative_to(ROOT)}")
    return code


if __name__ == "__main__":
    sys.exit(main())
