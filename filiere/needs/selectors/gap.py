"""The gap between demand (weighted answers) and the training offer
(`training.selectors.supply_by_skill_and_department`), by skill family and department."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from filiere.needs.models import (
    Campaign,
)
from filiere.taxonomy.families import family_choices, family_for, family_label

if TYPE_CHECKING:
    pass

from filiere.taxonomy.models import Skill
from filiere.territories.models import Department
from filiere.training.selectors import session_supply

from .access import HORIZON_WEIGHTS
from .results import campaign_lines


def family_supply(*, region_code: str | None) -> dict[tuple[str, str], int]:
    """Training places per (family, department; "" = distance learning), each session counted
    once per family it teaches (a course with three software skills offers its places once)."""

    sessions = session_supply(region_code=region_code)
    labels = dict(
        Skill.objects.filter(pk__in={s for _d, _p, ids in sessions for s in ids}).values_list("pk", "label")
    )
    result: dict[tuple[str, str], int] = defaultdict(int)
    for department, places, skill_ids in sessions:
        for family in {family_for(labels.get(skill_id, "")) for skill_id in skill_ids}:
            result[(family, department)] += places
    return dict(result)


@dataclass(frozen=True)
class GapFilters:
    campaign: Campaign
    department: str = ""  # one department of the campaign's region, "" = all
    horizons: tuple[str, ...] = ()  # empty = all


@dataclass
class GapRow:
    family: str
    family_label: str
    department_code: str
    department_name: str
    people: int
    demand: float
    supply: int
    companies: int

    @property
    def gap(self) -> float:
        return round(self.demand - self.supply, 1)


@dataclass
class GapTable:
    filters: GapFilters
    rows: list[GapRow]
    by_department: dict[str, float]  # total gap per department (the map)
    department_names: dict[str, str]
    by_family: list[GapRow] = field(default_factory=list)  # region-wide, distance learning included
    distance_supply: int = 0

    @property
    def total_demand(self) -> float:
        return round(sum(r.demand for r in self.rows), 1)

    @property
    def total_supply(self) -> int:
        return sum(r.supply for r in self.rows) + self.distance_supply


def demand_by_family_and_department(filters: GapFilters) -> dict[tuple[str, str], dict[str, float]]:
    """People needed per (family, department): raw count, horizon-weighted demand, companies."""
    lines = campaign_lines(filters.campaign)
    if filters.department:
        lines = lines.filter(answer__invitation__department_code=filters.department)
    if filters.horizons:
        lines = lines.filter(horizon__in=filters.horizons)
    rows = (
        lines.values("family", "answer__invitation__department_code", "horizon")
        .annotate(people=Sum("people"), companies=Count("answer", distinct=True))
        .order_by()
    )
    result: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: {"people": 0, "demand": 0.0})
    companies: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        key = (row["family"], row["answer__invitation__department_code"])
        result[key]["people"] += row["people"]
        result[key]["demand"] += row["people"] * HORIZON_WEIGHTS.get(row["horizon"], 1.0)
    # Distinct companies per (family, department) across horizons.
    for family, department, answer in lines.values_list(
        "family", "answer__invitation__department_code", "answer_id"
    ).distinct():
        companies[(family, department)].add(answer)
    for key, answers in companies.items():
        result[key]["companies"] = len(answers)
    return dict(result)


def gap_table(filters: GapFilters, *, supply: Mapping[tuple[str, str], int] | None = None) -> GapTable:
    """Demand (horizon-weighted people needed) minus supply (training places over 12 months) per
    skill family × department of the campaign's region, largest gap first.

    `supply` (places per (family, department)) replaces the training app's sessions, read by
    default through `family_supply` (each session counted once per family it teaches).
    Distance-learning places (department "") are not placed on a department: they count in the
    region-wide rows per family (`by_family`) only.
    """

    campaign = filters.campaign
    departments = dict(Department.objects.filter(region_id=campaign.region_id).values_list("code", "name"))
    families_supply = family_supply(region_code=campaign.region_id) if supply is None else supply
    demand = demand_by_family_and_department(filters)
    keys = set(demand) | {k for k in families_supply if k[1]}
    if filters.department:
        keys = {k for k in keys if k[1] == filters.department}
    labels = dict(family_choices())
    rows = []
    for family, department in keys:
        d = demand.get((family, department), {})
        rows.append(
            GapRow(
                family=family,
                family_label=labels.get(family, family_label(family)),
                department_code=department,
                department_name=departments.get(department, department or _("Département inconnu")),
                people=int(d.get("people", 0)),
                demand=round(float(d.get("demand", 0.0)), 1),
                supply=families_supply.get((family, department), 0),
                companies=int(d.get("companies", 0)),
            )
        )
    rows.sort(key=lambda r: (-r.gap, r.family, r.department_code))
    by_department: dict[str, float] = {code: 0.0 for code in departments}
    if filters.department:
        by_department = {filters.department: 0.0}
    for row in rows:
        if row.department_code in by_department:
            by_department[row.department_code] = round(by_department[row.department_code] + row.gap, 1)
    distance = {f: n for (f, d), n in families_supply.items() if d == ""}
    by_family = []
    for code, label in family_choices():
        family_rows = [r for r in rows if r.family == code]
        extra = 0 if filters.department else distance.get(code, 0)
        if not family_rows and not extra:
            continue
        by_family.append(
            GapRow(
                family=code,
                family_label=label,
                department_code="",
                department_name=_("Ensemble"),
                people=sum(r.people for r in family_rows),
                demand=round(sum(r.demand for r in family_rows), 1),
                supply=sum(r.supply for r in family_rows) + extra,
                companies=sum(r.companies for r in family_rows),
            )
        )
    by_family.sort(key=lambda r: (-r.gap, r.family))
    return GapTable(
        filters=filters,
        rows=rows,
        by_department=by_department,
        department_names=departments,
        by_family=by_family,
        distance_supply=0 if filters.department else sum(distance.values()),
    )


def region_department_codes(region_code: str) -> list[str]:
    """Codes of the departments of a region."""

    return list(Department.objects.filter(region_id=region_code).values_list("code", flat=True))
