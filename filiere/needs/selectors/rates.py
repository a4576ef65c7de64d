"""Response rates of a campaign by department and company size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from filiere.needs.models import (
    Campaign,
)
from filiere.territories.models import Department

if TYPE_CHECKING:
    pass


# INSEE headcount bands grouped into the size classes surveys report on.
SIZE_BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0", ("NN", "00")),
    ("1-9", ("01", "02", "03")),
    ("10-49", ("11", "12")),
    ("50-249", ("21", "22", "31")),
    ("250+", ("32", "41", "42", "51", "52", "53")),
)


_BAND_TO_SIZE = {band: code for code, bands in SIZE_BANDS for band in bands}


def size_label(code: str) -> str:
    labels = {
        "0": _("Sans salarié"),
        "1-9": _("1 à 9 salariés"),
        "10-49": _("10 à 49 salariés"),
        "50-249": _("50 à 249 salariés"),
        "250+": _("250 salariés et plus"),
    }
    return labels.get(code, _("Effectif inconnu"))


@dataclass
class Rate:
    key: str
    label: str
    invited: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.invited if self.invited else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.rate)


@dataclass
class ResponseRates:
    overall: Rate
    by_department: list[Rate]
    by_size: list[Rate]
    with_email: int
    reminders: int


def response_rates(campaign: Campaign) -> ResponseRates:
    """Answered / invited, overall, by department and by size band (from the directory snapshot)."""

    rows = (
        campaign.invitations.values("department_code", "headcount_band")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    by_dep: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for bucket, key in (
            (by_dep, row["department_code"]),
            (by_size, _BAND_TO_SIZE.get(row["headcount_band"], "")),
        ):
            bucket[key][0] += row["invited"]
            bucket[key][1] += row["answered"]
    names = dict(Department.objects.filter(code__in=list(by_dep)).values_list("code", "name"))
    departments = [
        Rate(code, f"{names.get(code, code)} ({code})" if code else _("Département inconnu"), *counts)
        for code, counts in sorted(by_dep.items(), key=lambda kv: (kv[0] == "", kv[0]))
    ]
    order = [code for code, _b in SIZE_BANDS] + [""]
    sizes = [Rate(code, size_label(code), *by_size[code]) for code in order if code in by_size]
    invited = sum(r.invited for r in departments)
    answered = sum(r.answered for r in departments)
    totals = campaign.invitations.aggregate(
        with_email=Count("pk", filter=~Q(email="")), reminders=Sum("reminder_count")
    )
    return ResponseRates(
        overall=Rate("", _("Ensemble"), invited, answered),
        by_department=departments,
        by_size=sizes,
        with_email=totals["with_email"] or 0,
        reminders=totals["reminders"] or 0,
    )
