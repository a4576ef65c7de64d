"""Write `tools/test-durations.json`: seconds per scheduling scope (a test file, or a package the
root conftest runs together), from the JUnit XML of a whole run.

    SECRET_KEY=test-only .venv/bin/pytest -q -n 2 --dist loadfile --junitxml=/tmp/run.xml
    .venv/bin/python tools/test_durations.py /tmp/run.xml

`make test` hands the longest scopes out first (root conftest, `pytest_xdist_make_scheduler`), so a
long file started last does not leave one worker alone at the end. The figures only order the
work: a stale or missing entry costs some balance, never a test.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conftest import scope_of  # noqa: E402 (the scheduler's own scopes)

OUTPUT = ROOT / "tools" / "test-durations.json"


def durations(junit: Path) -> dict[str, float]:
    seconds: Counter[str] = Counter()
    for case in ET.parse(junit).iter("testcase"):
        path = case.get("classname", "").replace(".", "/") + ".py"
        seconds[scope_of(path)] += float(case.get("time", 0))
    return {scope: round(value, 1) for scope, value in sorted(seconds.items())}


if __name__ == "__main__":
    OUTPUT.write_text(json.dumps(durations(Path(sys.argv[1])), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")
