"""Factories of the consultations tests: a small plan (2 axes, objectives, actions), a process with
an open online phase, participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from filiere.accounts.models import User
from filiere.consultations import services
from filiere.consultations.models import ActorKind, PhaseKind, Process
from filiere.roadmaps.tests.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    RegionalRoleFactory,
    UserFactory,
)


@dataclass
class World:
    team: User
    process: Process
    plan: Any
    axis: Any
    objective: Any
    action: Any


def phases(today: dt.date) -> list[dict[str, Any]]:
    """Interviews and workshops done, the online consultation open today, then analysis and vote."""
    d = dt.timedelta
    return [
        {
            "kind": PhaseKind.INTERVIEWS,
            "title": "Entretiens",
            "starts_on": today - d(60),
            "ends_on": today - d(31),
        },
        {
            "kind": PhaseKind.WORKSHOPS,
            "title": "Ateliers",
            "starts_on": today - d(30),
            "ends_on": today - d(11),
            "may_argue": True,
        },
        {
            "kind": PhaseKind.ONLINE,
            "title": "Consultation en ligne",
            "starts_on": today - d(10),
            "ends_on": today + d(10),
            "may_amend": True,
            "may_propose": True,
            "may_argue": True,
            "may_support": True,
        },
        {
            "kind": PhaseKind.ANALYSIS,
            "title": "Analyse",
            "starts_on": today + d(11),
            "ends_on": today + d(20),
        },
        {"kind": PhaseKind.VOTE, "title": "Vote", "starts_on": today + d(21), "ends_on": today + d(21)},
    ]


def world(*, published: bool = True) -> World:
    plan = PlanFactory(start_date=dt.date(2018, 1, 1), end_date=dt.date(2030, 12, 31))
    axis = AxisFactory(plan=plan, title="Une région qui rayonne", kind="ambition")
    objective = ObjectiveFactory(axis=axis, title="Fédérer l'écosystème numérique régional")
    action = ActionFactory(
        objective=objective,
        title="Animation transversale de l'écosystème",
        description="Animer l'écosystème numérique à l'échelle de la région.",
    )
    team = RegionalRoleFactory(region=plan.region).user
    process = services.create_process(
        by=team, plan=plan, title="Consultation #numNA", phases=phases(timezone.localdate())
    )
    if published:
        services.set_published(by=team, process=process, published=True)
    return World(team, process, plan, axis, objective, action)


def participant(process: Process, name: str = "", **fields: Any) -> User:
    user = UserFactory(username=name) if name else UserFactory()
    services.join(
        by=user,
        process=process,
        pseudonym=fields.pop("pseudonym", f"pseudo-{user.username}"),
        actor_kind=fields.pop("actor_kind", ActorKind.ENTREPRENEUR),
        consent=True,
        **fields,
    )
    return user
