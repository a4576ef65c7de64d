"""JSON API of plans: list, detail with the tree and progress, indicator series.

Reads go through the same selectors as the pages, so the numbers can never drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from filiere.roadmaps import selectors
from filiere.roadmaps.progress import Progress

router = Router(tags=["roadmaps"])
# Schema names are global in the OpenAPI document: they carry a Plan/Indicator prefix so that
# another app's "SeriesOut" or "ProgressOut" cannot take their place.


class PlanProgressOut(Schema):
    value: float | None
    percent: int | None
    explanation: str


class PlanSummaryOut(Schema):
    id: int
    kind: str
    title: str
    region_code: str
    region_name: str
    start_date: dt.date
    end_date: dt.date
    is_public: bool
    progress: PlanProgressOut


class PlanActionOut(Schema):
    id: int
    title: str
    owner: str
    status: str
    priority: str
    start_date: dt.date | None
    end_date: dt.date | None
    budget_planned: float | None
    budget_spent: float | None
    weight: float
    indicator_ids: list[int]
    progress: PlanProgressOut


class PlanObjectiveOut(Schema):
    id: int
    title: str
    weight: float
    progress: PlanProgressOut
    actions: list[PlanActionOut]


class PlanAxisOut(Schema):
    id: int
    kind: str
    title: str
    weight: float
    progress: PlanProgressOut
    objectives: list[PlanObjectiveOut]


class PlanIndicatorOut(Schema):
    id: int
    name: str
    unit: str
    direction: str
    computation: str
    computed_key: str
    progress: PlanProgressOut


class PlanDetailOut(PlanSummaryOut):
    description: str
    partners: list[str]
    axes: list[PlanAxisOut]
    indicators: list[PlanIndicatorOut]


class IndicatorPointOut(Schema):
    date: dt.date
    value: float


class IndicatorMeasureOut(IndicatorPointOut):
    source: str


class IndicatorSeriesOut(Schema):
    indicator_id: int
    name: str
    unit: str
    direction: str
    baseline: IndicatorPointOut | None
    targets: list[IndicatorPointOut]
    values: list[IndicatorMeasureOut]
    progress: PlanProgressOut


def _progress(progress: Progress) -> PlanProgressOut:
    return PlanProgressOut(value=progress.value, percent=progress.percent, explanation=progress.explanation)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _summary(tree: selectors.PlanTree) -> dict:
    plan = tree.plan
    return {
        "id": plan.pk,
        "kind": plan.kind,
        "title": plan.title,
        "region_code": plan.region_id,
        "region_name": plan.region.name,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "is_public": plan.is_public,
        "progress": _progress(tree.progress),
    }


@router.get("/plans", response=list[PlanSummaryOut], summary="Plans visibles")
def list_plans(request: HttpRequest) -> list[dict]:
    """Plans the caller may read, with their overall progress."""
    return [_summary(selectors.plan_tree(plan)) for plan in selectors.plans_for_user(request.user)]


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="Plan avec son arbre et son avancement")
def get_plan(request: HttpRequest, plan_id: int) -> dict:
    """A plan's axes → objectives → actions with rolled-up progress and explanations."""
    tree = selectors.plan_tree(selectors.get_plan_for_user(request.user, plan_id))
    axes = [
        PlanAxisOut(
            id=a.axis.pk,
            kind=a.axis.kind,
            title=a.axis.title,
            weight=float(a.axis.weight),
            progress=_progress(a.progress),
            objectives=[
                PlanObjectiveOut(
                    id=o.objective.pk,
                    title=o.objective.title,
                    weight=float(o.objective.weight),
                    progress=_progress(o.progress),
                    actions=[
                        PlanActionOut(
                            id=n.action.pk,
                            title=n.action.title,
                            owner=n.action.owner_label,
                            status=n.action.status,
                            priority=n.action.priority,
                            start_date=n.action.start_date,
                            end_date=n.action.end_date,
                            budget_planned=_float(n.action.budget_planned),
                            budget_spent=_float(n.action.budget_spent),
                            weight=float(n.action.weight),
                            indicator_ids=[i.indicator.pk for i in n.indicators],
                            progress=_progress(n.progress),
                        )
                        for n in o.actions
                    ],
                )
                for o in a.objectives
            ],
        )
        for a in tree.axes
    ]
    indicators = [
        PlanIndicatorOut(
            id=n.indicator.pk,
            name=n.indicator.name,
            unit=n.indicator.unit,
            direction=n.indicator.direction,
            computation=n.indicator.computation,
            computed_key=n.indicator.computed_key,
            progress=_progress(n.progress),
        )
        for n in tree.indicators
    ]
    return {
        **_summary(tree),
        "description": tree.plan.description,
        "partners": [p.name for p in tree.plan.partners.all()],
        "axes": axes,
        "indicators": indicators,
    }


@router.get("/indicators/{indicator_id}/series", response=IndicatorSeriesOut, summary="Série d'un indicateur")
def indicator_series(request: HttpRequest, indicator_id: int) -> dict:
    """An indicator's baseline, targets and measured values by date, and its progress."""
    indicator = selectors.get_indicator_for_user(request.user, indicator_id)
    node = selectors.indicator_node(indicator)
    baseline = None
    if indicator.baseline_date and indicator.baseline_value is not None:
        baseline = IndicatorPointOut(date=indicator.baseline_date, value=float(indicator.baseline_value))
    return {
        "indicator_id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline": baseline,
        "targets": [IndicatorPointOut(date=t.date, value=float(t.value)) for t in node.targets],
        "values": [
            IndicatorMeasureOut(date=v.date, value=float(v.value), source=v.source) for v in node.values
        ],
        "progress": _progress(node.progress),
    }
