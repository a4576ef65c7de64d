"""Support reporting at regional-programme scale: a funder's yearly report, firms counted once.

Loads `--rows` engagements (default 1,000,000) for `--rows / 5` firms (200,000) straight into
`support_engagement`: 20 providers, 60 services of ten themes, three funders (the Région funds
two services in three, the State one in three, the ERDF managing authority one in two), dates
spread over 2024–2026, each firm with its size class and department (a firm supported five times
on average, by several services, providers and themes: the case the ERDF rule is about).

Then, for each funder, `reports.support_report(role="funder", year=2025)` (the report page, the
API and the exports all read it): total firms once by SIREN, previous year, and the breakdowns by
size class, theme and department; timed (best of 3). The same numbers are recounted by brute
force in the same run: every engagement row read back in Python, sets of SIREN per group. The
run fails unless they are equal. Goal: the report answers in under 5 s.

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/sp.sqlite3 .venv/bin/python -m bench.bench_support --rows 100000`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from argparse import Namespace
from collections import defaultdict
from typing import Any

GOAL_REPORT_S = 5.0
SEED = 20261203
BATCH = 50_000
YEARS = (2024, 2025, 2026)
DEPARTMENTS = ["21", "25", "39", "58", "70", "71", "89", "90", "33", "64", "87", "86"]
SIZES = ["micro"] * 6 + ["small"] * 2 + ["medium", "large", "unknown"]
COLUMNS = [
    "siren", "organisation_id", "provider_id", "service_id", "referral_id", "kind", "date", "theme",
    "size_class", "department_code", "region_code", "label",
]  # fmt: skip


def _write(cursor: Any, rows: list[list[Any]]) -> None:
    from filiere.core.loading import write_rows

    write_rows(cursor, "support_engagement", COLUMNS, rows)


def load(rows: int, *, seed: int = SEED) -> dict[str, Any]:
    """Providers, services, funders (ORM, small) and `rows` engagements (bulk)."""
    from django.db import connection, transaction

    from filiere.organisations.models import Kind, Organisation
    from filiere.support.models import Service, Theme

    rng = random.Random(seed)
    firms = max(rows // 5, 1)
    providers = [Organisation.objects.create(name=f"Structure {i}", kind=Kind.TECHNOPOLE) for i in range(20)]
    funders = [
        Organisation.objects.create(name=name, kind=Kind.PUBLIC_BODY)
        for name in ("Région (banc)", "État (banc)", "Autorité de gestion FEDER (banc)")
    ]
    themes = list(Theme.values)
    services = []
    for index in range(60):
        service = Service.objects.create(
            provider=providers[index % len(providers)],
            title=f"Service {index}",
            theme=themes[index % len(themes)],
        )
        service.funders.set(
            [
                f
                for f, share in zip(funders, (index % 3 != 0, index % 3 == 0, index % 2 == 0), strict=True)
                if share
            ]
        )
        services.append(service)
    firm_size = [rng.choice(SIZES) for _ in range(firms)]
    firm_department = [rng.choice(DEPARTMENTS) for _ in range(firms)]
    started = time.perf_counter()
    span = (dt.date(YEARS[-1], 12, 31) - dt.date(YEARS[0], 1, 1)).days
    start = dt.date(YEARS[0], 1, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        written = 0
        while written < rows:
            batch = []
            for _ in range(min(BATCH, rows - written)):
                firm = rng.randrange(firms)
                service = services[rng.randrange(len(services))]
                department = firm_department[firm]
                batch.append(
                    [
                        f"{firm:09d}", None, service.provider_id, service.pk, None, "direct",
                        start + dt.timedelta(days=rng.randrange(span + 1)), service.theme, firm_size[firm],
                        department, "75" if department in ("33", "64", "87", "86") else "27", "",
                    ]
                )  # fmt: skip
            _write(cursor, batch)
            written += len(batch)
    return {
        "engagements": rows,
        "firms": firms,
        "services": len(services),
        "funders": [f.pk for f in funders],
        "insert_s": round(time.perf_counter() - started, 1),
    }


def brute_force(funder_id: int, year: int) -> dict[str, Any]:
    """The funder's report recounted from every engagement row, in Python (no SQL aggregation)."""
    from django.db import connection

    from filiere.support.models import Service

    funded = set(Service.objects.filter(funders=funder_id).values_list("pk", flat=True))
    periods = {year: "current", year - 1: "previous"}
    total: dict[str, set[str]] = {"current": set(), "previous": set()}
    groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    engagements = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT siren, service_id, date, theme, size_class, department_code FROM support_engagement"
        )
        while chunk := cursor.fetchmany(20_000):
            for siren, service_id, date, theme, size_class, department in chunk:
                if service_id not in funded:
                    continue
                day = date if isinstance(date, dt.date) else dt.date.fromisoformat(date)
                which = periods.get(day.year)
                if which is None:
                    continue
                engagements += which == "current"
                total[which].add(siren)
                groups[(which, "size", size_class)].add(siren)
                groups[(which, "theme", theme)].add(siren)
                groups[(which, "department", department)].add(siren)

    def breakdown(kind: str) -> dict[str, tuple[int, int]]:
        keys = {key for (_which, k, key) in groups if k == kind}
        return {
            key: (len(groups.get(("current", kind, key), ())), len(groups.get(("previous", kind, key), ())))
            for key in keys
        }

    return {
        "firms": len(total["current"]),
        "previous_firms": len(total["previous"]),
        "engagements": engagements,
        "by_size": breakdown("size"),
        "by_theme": breakdown("theme"),
        "by_department": breakdown("department"),
    }


def as_counts(report: Any) -> dict[str, Any]:
    """The report's numbers in `brute_force`'s shape."""
    return {
        "firms": report.firms,
        "previous_firms": report.previous_firms,
        "engagements": report.engagements,
        "by_size": {r.key: (r.firms, r.previous) for r in report.by_size},
        "by_theme": {r.key: (r.firms, r.previous) for r in report.by_theme},
        "by_department": {r.key: (r.firms, r.previous) for r in report.by_department},
    }


def _clear() -> None:
    from filiere.organisations.models import Organisation
    from filiere.support.models import Engagement, Service

    Engagement.objects.all().delete()
    Service.objects.all().delete()
    Organisation.objects.filter(name__endswith="(banc)").delete()
    Organisation.objects.filter(name__startswith="Structure ").delete()


def run(args: Namespace) -> dict[str, Any]:
    """Load, time each funder's 2025 report (best of 3), recount by brute force, compare."""
    from django.db import connection

    from filiere.organisations.models import Organisation
    from filiere.support import reports

    try:
        info = load(args.rows)
        print(
            f"  loaded {info['engagements']:,} engagements for {info['firms']:,} firms in {info['insert_s']} s",
            flush=True,
        )
        funders: list[dict[str, Any]] = []
        for funder_id in info["funders"]:
            organisation = Organisation.objects.get(pk=funder_id)
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                report = reports.support_report(
                    organisation=organisation, role="funder", period=reports.Period(2025)
                )
                timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            recount = brute_force(funder_id, 2025)
            brute_s = time.perf_counter() - started
            counts = as_counts(report)
            funders.append(
                {
                    "funder": organisation.name,
                    "firms": report.firms,
                    "previous_firms": report.previous_firms,
                    "engagements": report.engagements,
                    "report_s": round(min(timings), 2),
                    "brute_force_s": round(brute_s, 1),
                    "equal": counts == recount,
                }
            )
            print(
                f"  {organisation.name}: {report.firms:,} firms ({report.engagements:,} engagements) in "
                f"{min(timings):.2f} s; brute force {brute_s:.1f} s; equal={counts == recount}",
                flush=True,
            )
    finally:
        _clear()
    slowest = max(f["report_s"] for f in funders)
    result = {
        "engine": connection.vendor,
        "rows": args.rows,
        "firms": info["firms"],
        "insert_s": info["insert_s"],
        "funders": funders,
        "equal": all(f["equal"] for f in funders),
        "slowest_report_s": slowest,
        "goal_report_s": GOAL_REPORT_S,
    }
    result["verdict"] = "PASS" if result["equal"] and slowest < GOAL_REPORT_S else "FAIL"
    return result


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows of docs/benchmarks.md."""
    rows = [
        ("engagements (2024–2026)", f"{result['rows']:,}", f"{result['firms']:,} firms"),
        ("load", f"{result['insert_s']} s", ""),
    ]
    for funder in result["funders"]:
        rows.append(
            (
                f"2025 report of {funder['funder']}",
                f"{funder['report_s']} s",
                f"{funder['firms']:,} firms once by SIREN; brute-force recount equal: {funder['equal']}",
            )
        )
    rows.append(
        (
            "slowest funder report",
            f"{result['slowest_report_s']} s",
            f"< {GOAL_REPORT_S:.0f} s: {result['verdict']}",
        )
    )
    return rows


def main() -> None:
    """Standalone run on the database of DATABASE_URL (migrated here)."""
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = run(args)
    for measure, value, goal in table(result):
        print(f"  {measure:<40} {value:>20}  {goal}")


if __name__ == "__main__":
    main()
