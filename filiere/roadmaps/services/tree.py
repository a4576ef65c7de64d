"""Writes to a plan's tree: the plan itself, its axes, objectives, actions and their steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filiere.organisations.models import Organisation
from filiere.roadmaps.models import (
    Action,
    ActionStep,
    Axis,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
    PlanKind,
)
from filiere.roadmaps.services.base import (
    ACTION_FIELDS,
    AXIS_FIELDS,
    OBJECTIVE_FIELDS,
    PLAN_FIELDS,
    TreeObject,
    apply_changes,
    log_activity,
    next_position,
    period_error,
    plan_of,
    require_unique_title,
    set_m2m,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


@transaction.atomic
def create_plan(
    *,
    user: User | None,
    kind: str = PlanKind.ROADMAP,
    title: str,
    region_id: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
    is_public: bool = False,
    axis_kind: str = "axis",
    partners: Iterable[Organisation] = (),
) -> Plan:
    """Create a plan after validating its fields (period in order, known region)."""
    plan = Plan(
        kind=kind,
        title=title,
        region_id=region_id,
        start_date=start_date,
        end_date=end_date,
        description=description,
        is_public=is_public,
        axis_kind=axis_kind,
    )
    plan.full_clean()
    plan.save()
    plan.partners.set(list(partners))
    log_activity(plan=plan, user=user, verb="created", obj=plan)
    return plan


@transaction.atomic
def update_plan(
    *,
    user: User | None,
    plan: Plan,
    fields: Mapping[str, Any],
    partners: Iterable[Organisation] | None = None,
) -> Plan:
    """Change a plan's fields (any of `PLAN_FIELDS`) and partners; log what changed."""
    changes = apply_changes(plan, fields, PLAN_FIELDS)
    plan.full_clean()
    _check_actions_within(plan)
    plan.save()
    set_m2m(plan, "partners", partners, changes)
    if changes:
        log_activity(plan=plan, user=user, verb="updated", obj=plan, changes=changes)
    return plan


def _check_actions_within(plan: Plan) -> None:
    """A plan's period may not shrink past the dates of its actions."""
    outside = [
        a.title
        for a in Action.objects.filter(objective__axis__plan=plan).only("title", "start_date", "end_date")
        if any(day and not plan.contains(day) for day in (a.start_date, a.end_date))
    ]
    if outside:
        message = ngettext(
            "%(count)d action a des dates hors de cette période : %(titles)s.",
            "%(count)d actions ont des dates hors de cette période : %(titles)s.",
            len(outside),
        ) % {"count": len(outside), "titles": ", ".join(f"« {t} »" for t in outside[:5])}
        raise ValidationError({"start_date": message})


@transaction.atomic
def create_axis(
    *, user: User | None, plan: Plan, title: str, fields: Mapping[str, Any] | None = None
) -> Axis:
    """Add an axis (priority, ambition) at the end of `plan`; its title is unique in the plan."""
    require_unique_title(plan.axes.all(), title, _("Le plan a déjà un axe de ce titre."))
    axis = Axis(plan=plan, title=title, kind=plan.axis_kind, position=next_position(plan.axes.all()))
    apply_changes(axis, fields or {}, AXIS_FIELDS)
    axis.full_clean()
    axis.save()
    log_activity(plan=plan, user=user, verb="created", obj=axis)
    return axis


@transaction.atomic
def update_axis(*, user: User | None, axis: Axis, fields: Mapping[str, Any]) -> Axis:
    """Change an axis's title, description, weight or kind; log what changed."""
    if "title" in fields:
        others = axis.plan.axes.exclude(pk=axis.pk)
        require_unique_title(others, fields["title"], _("Le plan a déjà un axe de ce titre."))
    changes = apply_changes(axis, fields, AXIS_FIELDS)
    axis.full_clean()
    axis.save()
    if changes:
        log_activity(plan=axis.plan, user=user, verb="updated", obj=axis, changes=changes)
    return axis


@transaction.atomic
def create_objective(
    *, user: User | None, axis: Axis, title: str, fields: Mapping[str, Any] | None = None
) -> Objective:
    """Add an objective at the end of `axis`; its title is unique in the axis."""
    require_unique_title(axis.objectives.all(), title, _("L'axe a déjà un objectif de ce titre."))
    objective = Objective(axis=axis, title=title, position=next_position(axis.objectives.all()))
    apply_changes(objective, fields or {}, OBJECTIVE_FIELDS)
    objective.full_clean()
    objective.save()
    log_activity(plan=axis.plan, user=user, verb="created", obj=objective)
    return objective


@transaction.atomic
def update_objective(*, user: User | None, objective: Objective, fields: Mapping[str, Any]) -> Objective:
    """Change an objective's title, description or weight; log what changed."""
    if "title" in fields:
        others = objective.axis.objectives.exclude(pk=objective.pk)
        require_unique_title(others, fields["title"], _("L'axe a déjà un objectif de ce titre."))
    changes = apply_changes(objective, fields, OBJECTIVE_FIELDS)
    objective.full_clean()
    objective.save()
    if changes:
        log_activity(plan=objective.axis.plan, user=user, verb="updated", obj=objective, changes=changes)
    return objective


def siblings(obj: TreeObject) -> Any:
    """The queryset of `obj` and its siblings, in their order."""
    if isinstance(obj, Axis):
        return Axis.objects.filter(plan_id=obj.plan_id)
    if isinstance(obj, Objective):
        return Objective.objects.filter(axis_id=obj.axis_id)
    if isinstance(obj, Action):
        return Action.objects.filter(objective_id=obj.objective_id)
    if isinstance(obj, ActionStep):
        return ActionStep.objects.filter(action_id=obj.action_id)
    return Indicator.objects.filter(plan_id=obj.plan_id)


@transaction.atomic
def move_node(*, user: User | None, obj: TreeObject, direction: str) -> bool:
    """Move `obj` one place up or down among its siblings (positions renumbered 1..n).
    Returns False when it is already first (up) or last (down)."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    items = list(siblings(obj).order_by("position", "pk"))
    index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    obj.position = other + 1
    log_activity(
        plan=plan_of(obj),
        user=user,
        verb="moved",
        obj=obj,
        changes={"position": [index + 1, other + 1]},
    )
    return True


@transaction.atomic
def delete_node(*, user: User | None, obj: TreeObject | IndicatorTarget | IndicatorValue) -> None:
    """Delete an axis, objective, action, step, indicator, target or measured value (and what
    hangs below it); the log keeps its title and how many objectives, actions or values went with
    it. A target or a value is logged on its indicator, as it was when set."""
    plan = plan_of(obj)
    if isinstance(obj, IndicatorTarget | IndicatorValue):
        if isinstance(obj, IndicatorTarget):
            verb, changes = "target_deleted", {f"cible {obj.date}": [obj.value, None]}
        else:
            verb = "value_deleted"
            changes = {"value": [obj.value, None], "date": [obj.date, None], "source": [obj.source, None]}
        log_activity(plan=plan, user=user, verb=verb, obj=obj.indicator, changes=changes)
        obj.delete()
        return
    gone: dict[str, list[Any]] = {}
    if isinstance(obj, Axis):
        gone["objectives"] = [obj.objectives.count(), None]
        gone["actions"] = [Action.objects.filter(objective__axis=obj).count(), None]
    elif isinstance(obj, Objective):
        gone["actions"] = [obj.actions.count(), None]
    elif isinstance(obj, Indicator):
        gone["values"] = [obj.values.count(), None]
        gone["targets"] = [obj.targets.count(), None]
    log_activity(plan=plan, user=user, verb="deleted", obj=obj, changes=gone)
    obj.delete()


@transaction.atomic
def create_action(
    *,
    user: User | None,
    objective: Objective,
    title: str,
    fields: Mapping[str, Any] | None = None,
    partners: Iterable[Organisation] = (),
    funders: Iterable[Organisation] = (),
    indicators: Iterable[Indicator] = (),
) -> Action:
    """Create an action at the end of `objective`; `fields` may set any of `ACTION_FIELDS`.
    Dates must fall within the plan period, budgets must not be negative, the title must be
    new in the objective."""
    require_unique_title(objective.actions.all(), title, _("L'objectif a déjà une action de ce titre."))
    action = Action(objective=objective, title=title, position=next_position(objective.actions.all()))
    apply_changes(action, fields or {}, ACTION_FIELDS)
    action.full_clean()
    action.save()
    action.partners.set(list(partners))
    action.funders.set(list(funders))
    action.indicators.set(_own_indicators(objective.axis.plan, indicators))
    log_activity(plan=objective.axis.plan, user=user, verb="created", obj=action)
    return action


def _own_indicators(plan: Plan, indicators: Iterable[Indicator]) -> list[Indicator]:
    indicators = list(indicators)
    if any(i.plan_id != plan.pk for i in indicators):
        raise ValidationError({"indicators": _("Un indicateur choisi n'appartient pas à ce plan.")})
    return indicators


@transaction.atomic
def update_action(
    *,
    user: User | None,
    action: Action,
    fields: Mapping[str, Any],
    partners: Iterable[Organisation] | None = None,
    funders: Iterable[Organisation] | None = None,
    indicators: Iterable[Indicator] | None = None,
) -> Action:
    """Change an action's fields, partners, funders and linked indicators; log what changed."""
    if "title" in fields:
        others = action.objective.actions.exclude(pk=action.pk)
        require_unique_title(others, fields["title"], _("L'objectif a déjà une action de ce titre."))
    changes = apply_changes(action, fields, ACTION_FIELDS)
    action.full_clean()
    action.save()
    set_m2m(action, "partners", partners, changes)
    set_m2m(action, "funders", funders, changes)
    if indicators is not None:
        set_m2m(action, "indicators", _own_indicators(action.objective.axis.plan, indicators), changes)
    if changes:
        log_activity(plan=action.objective.axis.plan, user=user, verb="updated", obj=action, changes=changes)
    return action


@transaction.atomic
def set_steps_done(*, user: User | None, action: Action, done_ids: Iterable[int]) -> list[str]:
    """Mark exactly the steps `done_ids` of `action` as done; log and return the titles that changed."""
    done_ids = set(done_ids)
    changed: dict[str, list[Any]] = {}
    for step in action.steps.all():
        done = step.pk in done_ids
        if step.done != done:
            changed[step.title] = [step.done, done]
            step.done = done
            step.save(update_fields=["done"])
    if changed:
        log_activity(
            plan=action.objective.axis.plan, user=user, verb="steps_updated", obj=action, changes=changed
        )
    return list(changed)


@transaction.atomic
def add_step(*, user: User | None, action: Action, title: str, due_date: dt.date | None = None) -> ActionStep:
    """Add a step at the end of `action`; its due date falls within the plan period."""
    plan = action.objective.axis.plan
    if due_date and not plan.contains(due_date):
        raise ValidationError({"due_date": period_error(plan)})
    step = ActionStep(
        action=action, title=title, due_date=due_date, position=next_position(action.steps.all())
    )
    step.full_clean()
    step.save()
    log_activity(plan=plan, user=user, verb="created", obj=step, changes={"action": [None, action.title]})
    return step
