"""Consultations at Grand Débat scale: one process, `--rows / 5` contributions (200,000) and
`--rows` supports (1,000,000) by `--rows / 20` participants (50,000).

A plan of 4 ambitions × 3 objectives × 3 actions (52 sections, the NA plan's shape) is consulted
through `services.create_process`; participations, contributions (amendments, proposals,
arguments, comments, spread over the sections, three in four in the online phase) and supports
(skewed: a few contributions gather most of them, as on Cap Collectif) are loaded in bulk, each
support unique per person, each contribution's `supports_count` set from its supports.

Measured in the same run, on the same data:
- **section page**: the first page of a section as the view reads it (`section_contributions`
  ordered by the support count kept on the row, the replies of the page, the supports of the
  visitor) for the busiest sections, p95; against the naive page that counts each contribution's
  supports with one query per item and sorts in Python. Both return the same 20 ids (checked).
- **results report**: `selectors.results` (grouped queries) against a naive report with one
  query per participant; the two agree on the counts per phase and per actor kind (checked).
Goals: section page p95 under 0.3 s, report under 5 s.

Standalone: `SECRET_KEY=x DATABASE_URL=sqlite:////tmp/co.sqlite3 .venv/bin/python -m bench.bench_consultations --rows 100000`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from argparse import Namespace
from collections import Counter
from typing import Any

GOAL_SECTION_P95_S = 0.3
GOAL_REPORT_S = 5.0
SEED = 20180625
BATCH = 50_000
ACTORS = ["entrepreneur"] * 4 + ["cluster", "school", "lab", "investor"] + ["citizen"] * 3
DEPARTMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]
KINDS = ["amendment"] * 3 + ["proposal", "for", "against", "comment", "comment"]


def _insert(cursor: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    from filiere.core.loading import write_rows

    write_rows(cursor, table, columns, rows)


def _plan() -> Any:
    from filiere.accounts.models import RegionalRole, User
    from filiere.roadmaps.models import Action, Axis, Objective, Plan
    from filiere.territories.models import Region

    region, _c = Region.objects.get_or_create(code="75", defaults={"name": "Nouvelle-Aquitaine"})
    plan = Plan.objects.create(
        title="Feuille de route (banc)",
        region=region,
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2021, 12, 31),
    )
    plan.is_public = True
    plan.save()
    for a in range(1, 5):
        axis = Axis.objects.create(plan=plan, title=f"Ambition {a}", kind="ambition", position=a)
        for o in range(1, 4):
            objective = Objective.objects.create(axis=axis, title=f"Objectif {a}.{o}", position=o)
            for n in range(1, 4):
                Action.objects.create(
                    objective=objective,
                    title=f"Action {a}.{o}.{n}",
                    description=f"Décrire l'action {a}.{o}.{n} de la feuille de route régionale.",
                    position=n,
                )
    team = User.objects.create(username="bench-team")
    RegionalRole.objects.create(user=team, region=region)
    return plan, team


def load(rows: int, *, seed: int = SEED) -> dict[str, Any]:
    """The plan, the process and its phases (services), then participations, contributions and
    supports in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from filiere.consultations import selectors, services
    from filiere.consultations.models import Contribution, Participation, PhaseKind

    rng = random.Random(seed)
    supports_n = rows
    contributions_n = max(rows // 5, 10)
    people_n = max(rows // 20, 10)
    plan, team = _plan()
    today = timezone.localdate()
    d = dt.timedelta
    process = services.create_process(
        by=team,
        plan=plan,
        title="Consultation (banc)",
        phases=[
            {
                "kind": PhaseKind.WORKSHOPS,
                "title": "Ateliers",
                "starts_on": today - d(90),
                "ends_on": today - d(31),
                "may_argue": True,
            },  # fmt: skip
            {
                "kind": PhaseKind.ONLINE,
                "title": "En ligne",
                "starts_on": today - d(30),
                "ends_on": today + d(30),
                "may_amend": True,
                "may_propose": True,
                "may_argue": True,
                "may_support": True,
            },  # fmt: skip
        ],
    )
    services.set_published(by=team, process=process, published=True)
    workshop, online = list(process.phases.order_by("starts_on"))
    sections = selectors.plan_sections(plan)
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(
            cursor,
            Participation._meta.db_table,
            [
                "process_id",
                "pseudonym",
                "display_name",
                "visibility",
                "actor_kind",
                "department_id",
                "consent_at",
                "organisation_verified",
                "created_at",
                "updated_at",
            ],  # fmt: skip
            [
                [process.pk, f"p{i}", "", "pseudonym", rng.choice(ACTORS), None, now, False, now, now]
                for i in range(people_n)
            ],
        )
        first_person = (
            Participation.objects.filter(process=process).order_by("pk").values_list("pk", flat=True)[0]
        )
        # Supports first (skewed towards low contribution numbers), so each contribution is
        # written with its count.
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < supports_n:
            pairs.add((int(contributions_n * rng.random() ** 4), rng.randrange(people_n)))
        counts = Counter(c for c, _p in pairs)
        weights = [s.depth + 1 for s in sections]  # actions draw more than the plan itself
        columns = ["process_id", "phase_id", "participation_id", "kind", "node_type", "node_id", "section_label", "field", "original_text", "title", "body", "supports_count", "moderation", "hide_reason", "answer", "answer_reason", "created_at", "updated_at"]  # fmt: skip
        for start in range(0, contributions_n, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, contributions_n)):
                s = rng.choices(sections, weights)[0]
                kind = rng.choice(KINDS)
                batch.append(
                    [
                        process.pk, (online if i % 4 else workshop).pk, first_person + rng.randrange(people_n), kind,
                        s.node_type, s.node_id, f"{s.label} · {s.title}"[:255], "description" if kind == "amendment" else "",
                        s.description if kind == "amendment" else "", "", f"Contribution {i} : {s.title} mieux ciblée sur les PME du territoire.",
                        counts.get(i, 0), "visible", "", "pending", "", now, now,
                    ]
                )  # fmt: skip
            _insert(cursor, Contribution._meta.db_table, columns, batch)
        first_contribution = (
            Contribution.objects.filter(process=process).order_by("pk").values_list("pk", flat=True)[0]
        )
        ordered = sorted(pairs)
        for start in range(0, len(ordered), BATCH):
            _insert(
                cursor,
                "consultations_support",
                ["contribution_id", "participation_id", "created_at"],
                [[first_contribution + c, first_person + p, now] for c, p in ordered[start : start + BATCH]],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "process": process.pk,
        "contributions": contributions_n,
        "supports": supports_n,
        "participants": people_n,
        "insert_s": round(time.perf_counter() - started, 1),
    }


def section_page(process: Any, node_type: str, node_id: int, participation: Any) -> list[int]:
    """What the section view reads for its first page (the plan's tree aside)."""
    from filiere.consultations import selectors

    items = list(selectors.section_contributions(process, node_type, node_id)[:20])
    selectors.replies_by_parent(items)
    selectors.supported_ids(participation, items)
    return [c.pk for c in items]


def naive_section_page(process: Any, node_type: str, node_id: int) -> list[int]:
    """The same page counting each contribution's supports with a query of its own."""
    from filiere.consultations.models import ANSWERABLE, Contribution, Support

    rows = list(
        Contribution.objects.filter(
            process=process,
            node_type=node_type,
            node_id=node_id,
            kind__in=ANSWERABLE,
            parent=None,
            moderation="visible",
        ).only("pk")
    )
    counted = [(Support.objects.filter(contribution_id=c.pk).count(), c.pk) for c in rows]
    counted.sort(key=lambda x: (-x[0], -x[1]))
    return [pk for _n, pk in counted[:20]]


def naive_results(process: Any) -> dict[str, Counter]:
    """Participation by phase and actor kind with one query per participant."""
    from filiere.consultations.models import Participation

    by_phase: Counter = Counter()
    by_actor: Counter = Counter()
    for person in Participation.objects.filter(process=process):
        phases = list(
            person.contributions.filter(moderation="visible").values_list("phase__title", flat=True)
        )
        by_phase.update(phases)
        by_actor[person.get_actor_kind_display()] += 1
    return {"phase": by_phase, "actor": by_actor}


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def run(args: Namespace) -> dict[str, Any]:
    from django.db.models import Count

    from filiere.consultations import selectors
    from filiere.consultations.models import Contribution, Participation, Process

    loaded = load(args.rows)
    process = Process.objects.select_related("plan").get(pk=loaded["process"])
    visitor = Participation.objects.filter(process=process).order_by("pk").first()
    busiest = list(
        Contribution.objects.filter(process=process, parent=None)
        .values_list("node_type", "node_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    )
    fast, slow, same = [], [], True
    for node_type, node_id, _n in busiest:
        for _ in range(3):
            t = time.perf_counter()
            ids = section_page(process, node_type, node_id, visitor)
            fast.append(time.perf_counter() - t)
    for node_type, node_id, _n in busiest[:4]:
        t = time.perf_counter()
        naive_ids = naive_section_page(process, node_type, node_id)
        slow.append(time.perf_counter() - t)
        ids = section_page(process, node_type, node_id, visitor)
        # Equal support counts may order differently; the counts must match position by position.
        same = same and [Contribution.objects.get(pk=i).supports_count for i in ids] == [
            Contribution.objects.get(pk=i).supports_count for i in naive_ids
        ]
    report_times = []
    for _ in range(3):
        t = time.perf_counter()
        r = selectors.results(process)
        report_times.append(time.perf_counter() - t)
    t = time.perf_counter()
    naive = naive_results(process)
    naive_report_s = time.perf_counter() - t
    report_equal = {title: n for title, n, _p in r.by_phase if n} == dict(naive["phase"]) and dict(
        r.by_actor
    ) == dict(naive["actor"])
    section_p95 = p95(fast)
    naive_p95 = p95(slow)
    report_s = min(report_times)
    ok = section_p95 < GOAL_SECTION_P95_S and report_s < GOAL_REPORT_S and same and report_equal
    return {
        **loaded,
        "rows": args.rows,
        "sections_measured": len(busiest),
        "busiest_section_contributions": busiest[0][2] if busiest else 0,
        "section_p95_s": round(section_p95, 4),
        "naive_section_p95_s": round(naive_p95, 3),
        "section_ratio": round(naive_p95 / section_p95, 1) if section_p95 else None,
        "section_same_order": same,
        "report_s": round(report_s, 3),
        "naive_report_s": round(naive_report_s, 2),
        "report_ratio": round(naive_report_s / report_s, 1) if report_s else None,
        "report_equal": report_equal,
        "verdict": "ok" if ok else "MISSED",
    }


def table(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows of docs/benchmarks.md."""
    return [
        (
            "contributions / supports / participants",
            f"{result['contributions']:,} / {result['supports']:,} / {result['participants']:,}",
            "one process",
        ),  # fmt: skip
        ("load", f"{result['insert_s']} s", ""),
        (
            "section page, first 20 (p95 over the busiest sections)",
            f"{result['section_p95_s']} s",
            f"< {GOAL_SECTION_P95_S} s; busiest section {result['busiest_section_contributions']:,} contributions",
        ),  # fmt: skip
        (
            "naive section page (a count query per contribution), p95",
            f"{result['naive_section_p95_s']} s",
            f"× {result['section_ratio']} slower; same ranking: {result['section_same_order']}",
        ),  # fmt: skip
        (
            "results report (grouped queries)",
            f"{result['report_s']} s",
            f"< {GOAL_REPORT_S:.0f} s: {result['verdict']}",
        ),  # fmt: skip
        (
            "naive report (a query per participant)",
            f"{result['naive_report_s']} s",
            f"× {result['report_ratio']} slower; same counts: {result['report_equal']}",
        ),  # fmt: skip
    ]


def main() -> None:
    """Standalone run on the database of DATABASE_URL (migrated here)."""
    import django
    from django.core.management import call_command

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    django.setup()
    call_command("migrate", verbosity=0)
    for measure, value, goal in table(run(args)):
        print(f"{measure:<60} {value:>24}  {goal}")


if __name__ == "__main__":
    main()
