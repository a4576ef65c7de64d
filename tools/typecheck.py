"""Type checking with a ratchet: mypy may not report more errors in an app than the baseline says.

    python tools/typecheck.py            # `make lint`: fails when an app has more errors than before
    python tools/typecheck.py --tighten  # `make typecheck-tighten`: lower the baseline to today's counts

mypy (configured in pyproject.toml, with the django-stubs plugin) checks `filiere/` and `bench/`.
The baseline, tools/mypy-baseline.json, holds the number of errors per app (filiere/<app>, bench):
an app, not a file, so splitting a module inside an app moves no count. Fixing errors and running
`--tighten` lowers the numbers; they never go up by this script. Code moved from one app to another
carries its errors along: then `--accept` writes today's counts, and the commit message says why.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def app_of(path: str) -> str:
    """`filiere/talent/selectors.py` -> `filiere/talent`; top-level files count for their folder."""
    parts = Path(path).parts
    return "/".join(parts[:2]) if parts[0] == "filiere" and len(parts) > 2 else parts[0]


def count_errors(output: str) -> Counter[str]:
    """Errors per app in mypy's output (notes are not errors)."""
    counts: Counter[str] = Counter()
    for line in output.splitlines():
        if match := ERROR.match(line):
            counts[app_of(match["path"])] += 1
    return counts


def cache_directory() -> str:
    """mypy's incremental cache, kept per user rather than per checkout (MYPY_CACHE_DIR wins): a
    clean clone (CI, a new worktree) checked every module of the standard library, Django and its
    stubs again, 45 CPU s, where their results do not change. mypy trusts a cached module only when
    its source's hash is the same, and writes each file of its cache by a rename, so several
    checkouts can share one."""
    if os.environ.get("MYPY_CACHE_DIR"):
        return os.environ["MYPY_CACHE_DIR"]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return str(cache / "filiere" / "mypy")


def run_mypy(*extra: str) -> tuple[str, int]:
    env = {"SECRET_KEY": "typecheck-only", **os.environ, "MYPY_CACHE_DIR": cache_directory()}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1) or (done.returncode == 1 and not count_errors(done.stdout)):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy did not run (exit {done.returncode})")
    return done.stdout, done.returncode


def compare(current: Counter[str], baseline: dict[str, int]) -> tuple[list[str], list[str]]:
    """(apps with more errors than the baseline, apps with fewer)."""
    worse = [app for app in sorted(current) if current[app] > baseline.get(app, 0)]
    better = [app for app in sorted(baseline) if current.get(app, 0) < baseline[app]]
    return worse, better


def write(counts: dict[str, int]) -> None:
    data = {app: counts[app] for app in sorted(counts) if counts[app]}
    BASELINE.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--tighten", action="store_true", help="lower the baseline where there are fewer errors"
    )
    group.add_argument("--accept", action="store_true", help="write today's counts, even higher ones")
    args = parser.parse_args()

    output, _code = run_mypy()
    current = count_errors(output)
    baseline: dict[str, int] = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    worse, better = compare(current, baseline)
    if worse:
        # mypy's incremental cache can miss a reverse relation another app just added (django-stubs):
        # confirm from scratch before calling the errors new.
        output, _code = run_mypy("--no-incremental")
        current = count_errors(output)
        worse, better = compare(current, baseline)
    total, allowed = sum(current.values()), sum(baseline.values())

    if args.accept:
        write(dict(current))
        print(f"mypy baseline written: {total} errors in {len(current)} apps")
        return 0
    if args.tighten:
        write({app: min(count, current.get(app, 0)) for app, count in baseline.items()})
        print(f"mypy baseline tightened for {len(better)} apps: {', '.join(better) or 'nothing to do'}")
        return 1 if worse else 0

    if worse:
        new = [
            line for line in output.splitlines() if ERROR.match(line) and app_of(line.split(":")[0]) in worse
        ]
        print("\n".join(new))
        for app in worse:
            print(f"{app}: {current[app]} mypy errors, the baseline allows {baseline.get(app, 0)}")
        print("Fix the new errors (the lines above include the old ones of these apps).")
        return 1
    note = f"; {len(better)} apps have fewer: run `make typecheck-tighten`" if better else ""
    print(f"mypy: {total} errors, baseline {allowed}{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
