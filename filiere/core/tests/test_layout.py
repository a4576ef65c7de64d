"""The code's layout rules that a linter does not check (docs/adding-an-app.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LIMIT = 500
#: What a long module says at its top when it stays whole on purpose.
REASONS = ("on purpose", "kept whole")


def _modules() -> list[Path]:
    paths = [*ROOT.joinpath("filiere").rglob("*.py"), *ROOT.joinpath("bench").rglob("*.py")]
    return [p for p in paths if "migrations" not in p.parts and "tests" not in p.parts]


def test_a_module_past_500_lines_is_a_package_or_says_why_it_stays_whole():
    unexplained = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if not any(reason in docstring for reason in REASONS):
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, "split into a package along its seams, or say why at its top: " + ", ".join(
        sorted(unexplained)
    )


def test_the_rule_sees_a_long_module():
    """The check above reads real line counts and docstrings (it would pass on an empty list)."""
    assert len(_modules()) > 200
    long_ones = [p for p in _modules() if p.read_text(encoding="utf-8").count("\n") > LIMIT]
    assert long_ones  # today: data modules and models that say why
