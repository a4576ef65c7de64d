"""Load test of the deployed set-up: gunicorn (2 workers) ÷ the development server under 50 clients.

The work is in bench/load.py (also runnable alone: `python -m bench.load --help`); this module
registers it with `python -m bench` (`--only load`, `--duration`, `--clients`).
"""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from bench import load


def run(args: Namespace) -> dict[str, Any]:
    return load.run(args)


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return load.table(result)


# docs/benchmarks.md shows this module's docstring: the full description of bench/load.py.
__doc__ = load.__doc__
