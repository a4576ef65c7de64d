"""Load test: gunicorn (2 workers, as deployed) against the development server, same database.

Prepares the database the runner gives (`DATABASE_URL`): the reference data and the demo
(`filiere reference load`, `filiere demo`: the seed articles' organisations, the real SIRENE sample,
the TESC Force showcase, needs campaigns with their private links, the observatory's aggregates),
or with `--quick` a small synthetic set (regions, departments, NAF, 3,000 establishments, one
open survey) that takes seconds. Static files are collected once into a temporary folder (not
with `--quick`: the clients ask for pages only).

Then, for each server in turn, on 127.0.0.1 only: gunicorn with `filiere/gunicorn.conf.py` and
WEB_CONCURRENCY=2 (sync workers, as deployed), the same with 4 threads per worker, and
`filiere runserver --noreload` (one process, a thread per connection). `--clients` concurrent
clients (threads, one keep-alive `http.client` connection each) loop for `--duration` seconds over
five requests: the home page, a directory search, a showcase search, an observatory region page
and a survey answer (GET of a company's private link, then the POST of its form with the CSRF
token, answered by a 302 to the confirmation). Every request is checked (200, or 302 for the
answer); the report gives errors, throughput and p50 / p95 per request, and each gunicorn ÷
runserver. The servers run side by side; after an untimed warm-up (each worker loads the
embedding model on its first showcase search) each is loaded for two halves of `--duration`, in
the order A B C C B A, so the drifting load of a shared machine favours none.

Every server runs with the production settings (DEBUG off, collected static files), so the
comparison is the server's alone. The machine is shared with other work and its two cores run
the servers and the clients: the absolute figures are those of a saturated machine. Fifty clients
that never pause keep every server at full capacity, so a request mostly waits its turn: p95 is
about clients ÷ throughput (Little's law), seconds here, not the time one request takes alone
(tens of milliseconds, see the search and observatory benchmarks). Read the throughputs, measured
in the same run, and the zero errors.

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/load.sqlite3 .venv/bin/python -m bench.load
--quick --duration 10 --clients 8` (migrates the database first).

Length (about 560 lines), on purpose: a standalone benchmark (prepare, serve, drive, report) run
as `python -m bench.load`; its parts are used nowhere else.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SEED = 20261202
# Longer than any queue the servers build under 50 clients: a slow answer is measured, not dropped.
CLIENT_TIMEOUT_S = 120
REQUESTS = ["home", "directory search", "showcase search", "observatory region", "survey answer"]
DIRECTORY_QUERIES = ["numerique", "informatique toulouse", "conseil", "logiciel", "data", "web montpellier"]
SHOWCASE_QUERIES = [
    "développement logiciel",
    "cybersécurité",
    "intelligence artificielle",
    "cloud",
    "données",
]


# ---------------------------------------------------------------- data


def prepare(*, quick: bool) -> dict[str, Any]:
    """Load the data the requests need (unless already there) and return what the clients ask for."""
    from django.core.management import call_command

    from filiere.needs.models import Campaign, Invitation
    from filiere.organisations.models import Establishment

    started = time.perf_counter()
    if not Establishment.objects.exists():
        if quick:
            _quick_data()
        else:
            call_command("reference", "load", verbosity=0)
            call_command("demo", verbosity=0)
    tokens = list(
        Invitation.objects.filter(campaign__in=Campaign.objects.accepting_answers())
        .order_by("pk")
        .values_list("token", flat=True)[:2000]
    )
    if not tokens:
        raise RuntimeError("no open survey campaign with invitations: the survey requests cannot run")
    from filiere.territories.models import Region

    # Occitanie: the demo's richest region (seed articles, TESC Force, SIRENE sample).
    region = (
        "76"
        if Region.objects.filter(code="76").exists()
        else Region.objects.values_list("code", flat=True)[0]
    )
    return {
        "tokens": tokens,
        "observatory": f"/observatoire/region/{region}/",
        "establishments": Establishment.objects.count(),
        "prepare_s": round(time.perf_counter() - started, 1),
    }


def _quick_data() -> None:
    """Regions and departments, NAF, ~3,000 establishments, the observatory's aggregates and one open survey."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from bench import bench_search
    from filiere.needs.models import Campaign, Invitation, Status
    from filiere.observatory.aggregates import recompute_aggregates
    from filiere.organisations.models import Organisation
    from filiere.taxonomy.importers import load_naf
    from filiere.territories.models import Region

    bench_search._ensure_regions(Path(settings.FILIERE_DATA_DIR))  # regions and departments only
    load_naf()
    bench_search.load(3000, data_dir=Path(settings.FILIERE_DATA_DIR), seed=SEED)
    recompute_aggregates()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="Besoins en compétences (banc de charge)",
        region=Region.objects.get(code="76"),
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        status=Status.OPEN,
        opened_at=timezone.now(),
    )
    Invitation.objects.bulk_create(
        [Invitation(campaign=campaign, organisation=org) for org in Organisation.objects.order_by("pk")[:200]]
    )


def collect_static(target: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "filiere"), "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(target)},
        check=True,
    )


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(static_root: Path) -> dict[str, str]:
    """Production settings on plain HTTP, for the servers' processes."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        STATIC_COLLECTED="1",
        STATIC_ROOT=str(static_root),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_URL="dummy://",
        LOG_LEVEL="ERROR",
        GUNICORN_ACCESS_LOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    return env


@contextmanager
def running(kind: str, env: dict[str, str]) -> Iterator[str]:
    """Start gunicorn or runserver on a free loopback port; yield its base address; stop it."""
    port = free_port()
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "-c", "filiere/gunicorn.conf.py"]
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    else:
        command = [str(BIN / "filiere"), "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{kind} exited: {log.read().decode(errors='replace')[-2000:]}")
            try:
                connection = http.client.HTTPConnection(base, timeout=5)
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    connection.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not answer on {base} within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


# ---------------------------------------------------------------- clients


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in REQUESTS})
    errors: dict[str, int] = field(default_factory=lambda: {name: 0 for name in REQUESTS})
    samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, ms: float | None, problem: str = "") -> None:
        with self.lock:
            if ms is None:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {problem}")
            else:
                self.timings[name].append(ms)


class Client:
    """One browser-like client: a keep-alive connection and a csrftoken cookie."""

    def __init__(self, base: str, plan: dict[str, Any], rng: random.Random) -> None:
        self.base, self.plan, self.rng = base, plan, rng
        self.connection = http.client.HTTPConnection(base, timeout=CLIENT_TIMEOUT_S)
        self.cookies: dict[str, str] = {}

    def fetch(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Host": self.base, "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed (gunicorn's sync workers close after each
                # response): reconnect once, as a browser does.
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.base, timeout=CLIENT_TIMEOUT_S)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.base, timeout=CLIENT_TIMEOUT_S)
        return response.status, text

    def one(self, name: str) -> tuple[bool, str]:
        """Run one request of the mix; (ok, problem)."""
        if name == "home":
            status, _ = self.fetch("GET", "/")
            return status == 200, f"HTTP {status}"
        if name == "directory search":
            q = urllib.parse.quote(self.rng.choice(DIRECTORY_QUERIES))
            status, _ = self.fetch("GET", f"/annuaire/?q={q}")
            return status == 200, f"HTTP {status}"
        if name == "showcase search":
            q = urllib.parse.quote(self.rng.choice(SHOWCASE_QUERIES))
            status, _ = self.fetch("GET", f"/vitrine/?q={q}")
            return status == 200, f"HTTP {status}"
        if name == "observatory region":
            status, _ = self.fetch("GET", self.plan["observatory"])
            return status == 200, f"HTTP {status}"
        token = self.rng.choice(self.plan["tokens"])
        path = f"/besoins/enquete/{token}/"
        status, page = self.fetch("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            return False, f"survey page HTTP {status}"
        form = {
            "csrfmiddlewaretoken": match[1],
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "respondent_name": "Camille Banc",
            "respondent_role": "Direction",
            "headcount": str(self.rng.randint(1, 200)),
            "no_needs": "on",
            "comments": "",
            "action": "submit",
        }
        status, page = self.fetch("POST", path, urllib.parse.urlencode(form))
        return status == 302, f"survey answer HTTP {status}: {page[:200]!r}"

    def reset(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection(self.base, timeout=CLIENT_TIMEOUT_S)

    def close(self) -> None:
        self.connection.close()


def drive(
    base: str, plan: dict[str, Any], *, clients: int, duration: float, tally: Tally | None = None
) -> dict[str, Any]:
    """`clients` threads loop over the request mix for `duration` seconds; the summary of `tally`
    (a new one, or one that earlier slices of the same server filled: their times add up)."""
    tally = tally if tally is not None else Tally()
    stop_at = time.monotonic() + duration
    start = threading.Barrier(clients + 1)

    def loop(index: int) -> None:
        rng = random.Random(SEED + index)
        client = Client(base, plan, rng)
        order = REQUESTS[index % len(REQUESTS) :] + REQUESTS[: index % len(REQUESTS)]
        start.wait()
        turn = 0
        try:
            while time.monotonic() < stop_at:
                name = order[turn % len(order)]
                turn += 1
                began = time.perf_counter()
                try:
                    ok, problem = client.one(name)
                except (OSError, http.client.HTTPException) as exc:
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                    client.reset()  # a connection left mid-request cannot send the next one
                ms = (time.perf_counter() - began) * 1000
                tally.add(name, ms if ok else None, problem)
                if not ok:
                    time.sleep(0.5)  # an error must not turn the client into a busy loop
        finally:
            client.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    tally.seconds += time.perf_counter() - began
    return summarise(tally, clients)


def summarise(tally: Tally, clients: int) -> dict[str, Any]:
    elapsed = tally.seconds
    per_request = {}
    for name in REQUESTS:
        timings = sorted(tally.timings[name])
        per_request[name] = {
            "ok": len(timings),
            "errors": tally.errors[name],
            "per_s": round(len(timings) / elapsed, 1),
            "p50_ms": round(_percentile(timings, 50), 1) if timings else None,
            "p95_ms": round(_percentile(timings, 95), 1) if timings else None,
        }
    total_ok = sum(item["ok"] for item in per_request.values())
    return {
        "seconds": round(elapsed, 1),
        "clients": clients,
        "requests": total_ok,
        "errors": sum(tally.errors.values()),
        "per_s": round(total_ok / elapsed, 1),
        "by_request": per_request,
        "error_samples": tally.samples,
    }


def _percentile(sorted_values: list[float], q: float) -> float:
    index = max(0, min(len(sorted_values) - 1, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


# ---------------------------------------------------------------- run


#: The servers compared: gunicorn as deployed (2 sync workers), the same 2 workers with 4 threads
#: each (gthread: waits on the database overlap), and the development server (one process, a thread
#: per connection).
SERVERS: dict[str, tuple[str, dict[str, str]]] = {
    "gunicorn": ("gunicorn", {"GUNICORN_THREADS": "1"}),
    "gunicorn 2×4 threads": ("gunicorn", {"GUNICORN_THREADS": "4"}),
    "runserver": ("runserver", {}),
}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare the data, then load each server in turn with the same clients."""
    from django.db import connection, connections

    duration = float(getattr(args, "duration", None) or 60)
    clients = int(getattr(args, "clients", None) or 50)
    quick = bool(getattr(args, "quick", False))
    names = getattr(args, "servers", None) or list(SERVERS)
    plan = prepare(quick=quick)
    engine = connection.vendor
    connections.close_all()  # the servers have the database to themselves
    static_root = Path(tempfile.mkdtemp(prefix="filiere-load-static-"))
    try:
        env = server_env(static_root)
        if quick:  # the smoke test: pages only, no time for compressing every static file
            env["STATIC_COLLECTED"] = "0"
        else:
            collect_static(static_root, env)
        servers: dict[str, dict[str, Any]] = {}
        with ExitStack() as stack:
            bases = {
                name: stack.enter_context(running(SERVERS[name][0], {**env, **SERVERS[name][1]}))
                for name in names
            }
            for base in bases.values():
                # An untimed pass first: every worker loads the embedding model and fills its caches
                # on its first showcase search (tens of seconds on a busy machine).
                drive(base, plan, clients=min(clients, 4), duration=min(20.0, max(2.0, duration / 3)))
            # The load of a shared machine drifts: each server gets two half-runs, in the order
            # A B C then C B A, so none is always measured first or last.
            tallies = {name: Tally() for name in names}
            for order in (names, names[::-1]):
                for name in order:
                    servers[name] = drive(
                        bases[name], plan, clients=clients, duration=duration / 2, tally=tallies[name]
                    )
        for name in names:
            print(f"  {name:<20} {engine}: {_summary(servers[name])}", flush=True)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    baseline = servers.get("runserver", {}).get("per_s")
    return {
        "engine": engine,
        "establishments": plan["establishments"],
        "prepare_s": plan["prepare_s"],
        "data": "quick synthetic set" if quick else "reference data + demo",
        "duration_s": duration,
        "clients": clients,
        "servers": servers,
        "throughput_vs_runserver": {
            name: round(item["per_s"] / baseline, 2)
            for name, item in servers.items()
            if baseline and name != "runserver"
        },
        "zero_errors": all(item["errors"] == 0 for item in servers.values()),
    }


def _summary(result: dict[str, Any]) -> str:
    parts = [f"{result['per_s']} req/s, {result['errors']} errors"]
    parts += [f"{name} p95 {item['p95_ms']} ms" for name, item in result["by_request"].items()]
    return "; ".join(parts)


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows of docs/benchmarks.md: one value per server, in the order run, joined by " / "."""
    servers = result["servers"]
    names = " / ".join(servers)

    def each(value: Any) -> str:
        return " / ".join(str(value(item)) for item in servers.values())

    rows = [
        ("data", f"{result['data']}, {result['establishments']:,} establishments", ""),
        ("clients × duration", f"{result['clients']} × {result['duration_s']:.0f} s", ""),
        (f"errors ({names})", each(lambda item: item["errors"]), "0"),
        (f"throughput, req/s ({names})", each(lambda item: item["per_s"]), ""),
    ]
    for name, ratio in result.get("throughput_vs_runserver", {}).items():
        rows.append((f"{name} ÷ runserver throughput", f"{ratio}×", "> 1"))
    for request in REQUESTS:
        rows.append(
            (
                f"{request}: p95 ms ({names})",
                each(lambda item, r=request: item["by_request"][r]["p95_ms"]),
                "",
            )
        )
    return rows


def _save(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Record the run as `python -m bench` does, then rebuild docs/benchmarks.md."""
    import datetime as dt
    import platform

    from bench import __main__ as runner

    engine = {"postgresql": "postgres"}.get(result["engine"], result["engine"])  # the runner's names
    flags = f"--duration {args.duration:g} --clients {args.clients}" + (" --quick" if args.quick else "")
    result["meta"] = {
        "benchmark": "load",
        "engine": engine,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": runner._git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "command": f"python -m bench.load {flags} --save (DATABASE_URL with the demo loaded)",
    }
    runner.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (runner.RESULTS_DIR / f"load-{engine}.json").write_text(json.dumps(result, indent=2))
    runner.write_docs()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--duration", type=float, default=60, help="seconds per server (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--quick", action="store_true", help="small synthetic data instead of the demo")
    parser.add_argument(
        "--servers", type=lambda v: v.split(","), help=f"comma-separated subset of: {', '.join(SERVERS)}"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--save", action="store_true", help="write bench/results/load-<engine>.json and docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    os.environ.setdefault("STATIC_COLLECTED", "0")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    result = run(args)
    if args.save:
        _save(result, args)
    if args.json:
        print(json.dumps(result))
    else:
        for measure, value, goal in table(result):
            print(f"  {measure:<48} {value:>28}  {goal}")
    return 0 if result["zero_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
