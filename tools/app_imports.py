"""Count imports between the apps of `filiere` (runtime code: tests and migrations left out).

    python tools/app_imports.py            # totals
    python tools/app_imports.py --list     # every cross-app import, file:line

An import of `filiere.<other>.<module>` from `filiere/<app>/` is cross-app; it is classified by the
first module named after the app (`models`, `selectors`, `services`, anything else) and counted
apart when it sits inside a function (a deferred import). The import-linter contracts in
pyproject.toml enforce the rules; this script measures how the code reaches across them.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "filiere"


def apps() -> set[str]:
    return {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}


def runtime_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and len(path.relative_to(ROOT).parts) > 1
    ]


def cross_app_imports(path: Path, known: set[str]) -> list[tuple[int, str, str, bool]]:
    """(line, target app, target module, inside a function) for each cross-app import."""
    app = path.relative_to(ROOT).parts[0]
    found = []
    tree = ast.parse(path.read_text(), str(path))

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                if child.module.count(".") == 1:  # from filiere.app import models, selectors
                    targets = [f"{child.module}.{alias.name}" for alias in child.names]
                else:
                    targets = [child.module]
            for target in targets:
                parts = target.split(".")
                # `core` is the toolkit every app may use: not counted.
                if parts[0] == "filiere" and len(parts) > 1 and parts[1] in known - {app, "core"}:
                    module = parts[2] if len(parts) > 2 else "(package)"
                    found.append((child.lineno, parts[1], module, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def main() -> None:
    known = apps()
    totals: Counter[str] = Counter()
    for path in runtime_files():
        for line, target, module, deferred in cross_app_imports(path, known):
            kind = module if module in ("models", "selectors", "services") else "other"
            totals[kind] += 1
            totals["inside a function"] += deferred
            if "--list" in sys.argv:
                where = "function" if deferred else "module"
                print(f"{path.relative_to(ROOT.parent)}:{line}: {target}.{module} ({where})")
    print(
        "cross-app imports: {total} — models {models}, selectors {selectors}, services {services},"
        " other modules {other}; inside a function {deferred}".format(
            total=sum(totals[k] for k in ("models", "selectors", "services", "other")),
            models=totals["models"],
            selectors=totals["selectors"],
            services=totals["services"],
            other=totals["other"],
            deferred=totals["inside a function"],
        )
    )


if __name__ == "__main__":
    main()
