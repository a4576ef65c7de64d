"""Run a command and print the CPU seconds of its whole process tree, Chromium's included.

    python3 tools/cputree.py .venv/bin/pytest -q -p no:randomly $(ls filiere/*/tests/test_browser*.py)

`/usr/bin/time` counts only the descendants that their parents waited for. Chromium's renderers
and zygotes are left to the system's init when Playwright closes the browser, so `time` shows
about 40 % of what the browser tests cost (18 browser modules: 100.6 CPU s against 260.2). This
script makes itself a child subreaper (Linux `prctl`): the orphans come back to it, it reaps them,
and its children's resource usage then covers every process the command started.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main(command: list[str]) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    start = time.monotonic()
    returncode = subprocess.call(command)  # noqa: S603 (the caller's own command)
    deadline = time.monotonic() + 20  # orphans still ending (Chromium's helpers)
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{time.monotonic() - start:.2f} wall {usage.ru_utime:.2f} user {usage.ru_stime:.2f} sys "
        f"{usage.ru_utime + usage.ru_stime:.2f} CPU s (whole process tree)",
        file=sys.stderr,
    )
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
