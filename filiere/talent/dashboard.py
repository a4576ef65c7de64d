"""The programme dashboard: files, trainees, completion and the situation 3, 6 and 12 months after
training, per cohort, year, gender, age band and department.

A selector (re-exported by `talent.selectors`): the HTML page, the API and the roadmaps'
computed indicators all call `programme_dashboard`, so their numbers cannot drift apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.territories.models import Department

from .models import (
    EMPLOYED,
    AgeBand,
    File,
    FileState,
    Gender,
    Outcome,
    OutcomeDelay,
    OutcomeStatus,
    Programme,
)

#: The follow-up horizons, in months after the end of training.
HORIZONS: tuple[int, ...] = tuple(d.value for d in OutcomeDelay)
FINISHED = (FileState.TRAINED, FileState.PLACED)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when it does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Follow:
    """The situations of the trained people of a group at one horizon (3, 6 or 12 months)."""

    months: int
    known: int = 0  # a situation other than "unknown" is recorded
    employed: int = 0  # … and it is a job (CDI, CDD, alternance, business creation)
    not_yet_due: int = 0  # the horizon has not come yet
    due_unknown: int = 0  # the horizon has passed and the situation is unknown or not recorded

    @property
    def rate(self) -> float | None:
        """Back-to-work rate among known situations, in %."""
        return round(100 * self.employed / self.known, 1) if self.known else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "known": self.known,
            "employed": self.employed,
            "back_to_work_rate": self.rate,
            "not_yet_due": self.not_yet_due,
            "due_unknown": self.due_unknown,
        }


@dataclass
class Figures:
    """Pipeline figures of a group of files."""

    label: str
    files: int = 0
    trainees: int = 0
    completed: int = 0
    follow: dict[int, Follow] = field(default_factory=lambda: {m: Follow(m) for m in HORIZONS})

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.trainees, 1) if self.trainees else None

    @property
    def outcomes(self) -> list[Follow]:
        return [self.follow[m] for m in HORIZONS]

    # The 6-month figures under their former names (roadmaps' computed indicators read them).
    @property
    def outcome6_known(self) -> int:
        return self.follow[6].known

    @property
    def employed6(self) -> int:
        return self.follow[6].employed

    @property
    def back_to_work_rate(self) -> float | None:
        return self.follow[6].rate

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "files": self.files,
            "trainees": self.trainees,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "outcome6_known": self.outcome6_known,
            "employed6": self.employed6,
            "back_to_work_rate": self.back_to_work_rate,
            "outcomes": [f.as_dict() for f in self.outcomes],
        }


@dataclass
class Dashboard:
    programme: Programme
    total: Figures
    by_cohort: list[Figures]
    by_year: list[Figures]
    by_gender: list[Figures]
    by_age: list[Figures]
    by_department: list[Figures]
    states: list[tuple[str, int]]
    outcomes6: list[tuple[str, int]]
    #: Per horizon: (situation label, people) among the trained people.
    situations: dict[int, list[tuple[str, int]]] = field(default_factory=dict)


def _add(fig: Figures, row: dict[str, Any], outcomes: dict[int, str], today: dt.date) -> None:
    fig.files += 1
    if row["entered_training"]:
        fig.trainees += 1
    if row["state"] not in FINISHED:
        return
    fig.completed += 1
    end = row["cohort__end_date"]
    for months in HORIZONS:
        follow = fig.follow[months]
        status = outcomes.get(months)
        if status and status != OutcomeStatus.UNKNOWN:
            follow.known += 1
            follow.employed += status in EMPLOYED
        elif end is not None and add_months(end, months) > today:
            follow.not_yet_due += 1
        else:
            follow.due_unknown += 1


def programme_dashboard(
    programme: Programme, *, year: int | None = None, today: dt.date | None = None
) -> Dashboard:
    """Files, trainees, completion rate and the situation at 3, 6 and 12 months, in total and by
    cohort, year, gender, age band and department.

    Trainees: files that entered training. Completion: trainees who finished (trained or placed).
    At each horizon, among those who finished: situations known (and in employment: CDI, CDD,
    alternance or business creation — the back-to-work rate is employed ÷ known), not yet due
    (the cohort's end of training plus the horizon is after `today`) and due but unknown (passed,
    with no situation or "unknown" recorded). Reads only the files' copied facts, never
    identities, so an erased person still counts.
    """
    today = today or timezone.localdate()
    files = File.objects.filter(cohort__programme=programme)
    if year:
        files = files.filter(cohort__year=year)
    rows = list(
        files.values(
            "pk",
            "cohort_id",
            "cohort__name",
            "cohort__year",
            "cohort__end_date",
            "state",
            "entered_training",
            "gender",
            "age_band",
            "department_code",
        ).order_by("cohort__year", "cohort__name", "pk")
    )
    outcomes: dict[int, dict[int, str]] = {}
    for file_id, months, status in Outcome.objects.filter(file__in=files).values_list(
        "file_id", "months", "status"
    ):
        outcomes.setdefault(file_id, {})[months] = status

    dep_names = dict(Department.objects.values_list("code", "name"))
    total = Figures(_("Ensemble"))
    cohorts: dict[int, Figures] = {}
    years: dict[int, Figures] = {}
    genders = {g.value: Figures(str(g.label)) for g in Gender}
    ages = {a.value: Figures(str(a.label)) for a in AgeBand}
    departments: dict[str, Figures] = {}
    states: Counter[str] = Counter()
    situations: dict[int, Counter[str]] = {m: Counter() for m in HORIZONS}
    for row in rows:
        found = outcomes.get(row["pk"], {})
        cohort_fig = cohorts.setdefault(row["cohort_id"], Figures(row["cohort__name"]))
        year_fig = years.setdefault(row["cohort__year"], Figures(str(row["cohort__year"])))
        dep = row["department_code"] or ""
        dep_fig = departments.setdefault(
            dep, Figures(f"{dep_names.get(dep, '')} ({dep})" if dep else _("Non renseigné"))
        )
        for fig in (total, cohort_fig, year_fig, genders[row["gender"]], ages[row["age_band"]], dep_fig):
            _add(fig, row, found, today)
        states[row["state"]] += 1
        if row["state"] in FINISHED:
            for months, status in found.items():
                situations[months][status] += 1
    by_horizon = {m: [(str(s.label), situations[m][s.value]) for s in OutcomeStatus] for m in HORIZONS}
    return Dashboard(
        programme=programme,
        total=total,
        by_cohort=list(cohorts.values()),
        by_year=[years[y] for y in sorted(years)],
        by_gender=[f for f in genders.values() if f.files],
        by_age=[f for f in ages.values() if f.files],
        by_department=sorted(departments.values(), key=lambda f: -f.files),
        states=[(str(s.label), states[s.value]) for s in FileState],
        outcomes6=by_horizon[6],
        situations=by_horizon,
    )
