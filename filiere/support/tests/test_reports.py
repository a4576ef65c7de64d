"""Reports count each firm once by SIREN: equal to a brute-force recount, provider and funder,
year and quarter, with the previous period."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest

from filiere.support import reports
from filiere.support.models import Engagement, Theme

from .factories import EngagementFactory, ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _recount(engagements: list[Engagement], period: reports.Period) -> dict[str, Any]:
    inside = [e for e in engagements if period.start <= e.date <= period.end]
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in inside:
        groups[("size", e.size_class)].add(e.siren)
        groups[("theme", e.theme)].add(e.siren)
        groups[("department", e.department_code)].add(e.siren)
    return {
        "firms": len({e.siren for e in inside}),
        "engagements": len(inside),
        "groups": {k: len(v) for k, v in groups.items()},
    }


def _as_counts(report: reports.Report) -> dict[str, Any]:
    groups = {("size", r.key): r.firms for r in report.by_size}
    groups |= {("theme", r.key): r.firms for r in report.by_theme}
    groups |= {("department", r.key): r.firms for r in report.by_department}
    return {
        "firms": report.firms,
        "engagements": report.engagements,
        "groups": {k: n for k, n in groups.items() if n},
    }


@pytest.mark.parametrize("period", [reports.Period(2025), reports.Period(2025, 1), reports.Period(2025, 4)])
def test_reports_equal_a_brute_force_recount(bfc: Any, period: reports.Period) -> None:
    rng = random.Random(7)
    funder = ProviderFactory(name="Région")
    provider = ProviderFactory()
    services = [
        ServiceFactory(provider=provider, theme=theme)
        for theme in (Theme.EXPORT, Theme.FUNDING, Theme.SKILLS)
    ]
    services[0].funders.set([funder])
    services[1].funders.set([funder])
    for _ in range(150):
        service = rng.choice(services)
        EngagementFactory(
            siren=f"{rng.randrange(25):09d}", provider=provider, service=service, theme=service.theme,
            date=dt.date(2024, 10, 1) + dt.timedelta(days=rng.randrange(460)),
            size_class=rng.choice(["micro", "small", "medium"]), department_code=rng.choice(["21", "25", "71"]),
        )  # fmt: skip
    every = list(Engagement.objects.all())
    funded = [e for e in every if e.service_id in {services[0].pk, services[1].pk}]
    for organisation, role, rows in ((provider, "provider", every), (funder, "funder", funded)):
        report = reports.support_report(organisation=organisation, role=role, period=period)
        assert _as_counts(report) == _recount(rows, period)
        assert report.previous_firms == _recount(rows, period.previous())["firms"]
        assert report.firms < report.engagements  # 25 firms, many engagements: counted once


def test_periods() -> None:
    assert (reports.Period(2025, 1).start, reports.Period(2025, 1).end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 31),
    )
    assert reports.Period(2025, 4).end == dt.date(2025, 12, 31)
    assert reports.Period(2025, 1).previous() == reports.Period(2024, 4)
    assert reports.Period(2025).previous() == reports.Period(2024)
    assert reports.parse_period(1, 9, today=dt.date(2026, 5, 1)) == reports.Period(2026)
