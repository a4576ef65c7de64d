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


def _private_imports(source: str) -> list[str]:
    """`module name` of each `from <project module> import _name` in `source` (`_` alone allowed).

    A project module is a relative one or one under `filiere`; what counts is the imported name,
    not its alias (`import gettext as _` is fine, `import _helper as helper` is not)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        if not (node.level or module == "filiere" or module.startswith("filiere.")):
            continue
        where = "." * node.level + module
        found += [f"{where} {a.name}" for a in node.names if a.name.startswith("_") and a.name != "_"]
    return found


def test_sibling_modules_share_helpers_under_public_names():
    """A module's `_name` is its own business: what a sibling (or another app) imports is public."""
    offences = []
    for path in _modules():
        if "filiere" not in path.relative_to(ROOT).parts[:1]:
            continue
        offences += [f"{path.relative_to(ROOT)}: {hit}" for hit in _private_imports(path.read_text("utf-8"))]
    assert not offences, "give these helpers a public name where they are defined:\n" + "\n".join(
        sorted(offences)
    )


def test_the_boundary_rule_sees_a_private_import():
    source = (
        "from .reading import _split, detect_kind\n"
        "from filiere.matching.gazetteer import _cache_dir as cache\n"
        "from django.utils.translation import gettext as _\n"
        "from django.utils.functional import _lazy_helper\n"
        "from . import _\n"
        "def f():\n    from ..base import _new_counts\n"
    )
    assert _private_imports(source) == [
        ".reading _split",
        "filiere.matching.gazetteer _cache_dir",
        "..base _new_counts",
    ]
