"""Writes to plans. Every function here validates, saves and records an `ActivityLog` row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.organisations.models import Organisation
from filiere.roadmaps.computations import COMPUTATIONS, compute
from filiere.roadmaps.models import (
    Action,
    ActivityLog,
    Computation,
    Indicator,
    IndicatorValue,
    Objective,
    Plan,
    PlanKind,
)

PLAN_FIELDS = (
    "kind",
    "title",
    "region_id",
    "start_date",
    "end_date",
    "description",
    "is_public",
    "axis_kind",
)
ACTION_FIELDS = (
    "title",
    "description",
    "owner_id",
    "owner_name",
    "budget_planned",
    "budget_spent",
    "status",
    "priority",
    "start_date",
    "end_date",
    "weight",
    "position",
)
# A measured value may be dated up to a year after the plan (final evaluations come late) and
# never more than a year ahead of today (a forecast is a target, not a value).
VALUE_MARGIN_DAYS = 366


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def log_activity(
    *,
    plan: Plan,
    user: Any,
    verb: str,
    obj: Model,
    changes: Mapping[str, Any] | None = None,
) -> ActivityLog:
    """Record that `user` did `verb` on `obj` of `plan`, with field changes as {field: [old, new]}."""
    return ActivityLog.objects.create(
        plan=plan,
        user=user if user is not None and user.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        object_repr=str(obj)[:255],
        changes={k: [_jsonable(v) for v in pair] for k, pair in (changes or {}).items()},
    )


def apply_changes(obj: Model, fields: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, list[Any]]:
    """Set `fields` on `obj` and return what actually changed."""
    allowed = set(allowed)
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot set {sorted(unknown)} on {type(obj).__name__}")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    return changes


def _set_m2m(
    obj: Model, name: str, orgs: Iterable[Organisation] | None, changes: dict[str, list[Any]]
) -> None:
    if orgs is None:
        return
    manager = getattr(obj, name)
    before = sorted(o.name for o in manager.all())
    orgs = list(orgs)
    after = sorted(o.name for o in orgs)
    if before != after:
        manager.set(orgs)
        changes[name] = [", ".join(before), ", ".join(after)]


@transaction.atomic
def create_plan(
    *,
    user: Any,
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
    *, user: Any, plan: Plan, fields: Mapping[str, Any], partners: Iterable[Organisation] | None = None
) -> Plan:
    """Change a plan's fields (any of `PLAN_FIELDS`) and partners; log what changed."""
    changes = apply_changes(plan, fields, PLAN_FIELDS)
    plan.full_clean()
    plan.save()
    _set_m2m(plan, "partners", partners, changes)
    if changes:
        log_activity(plan=plan, user=user, verb="updated", obj=plan, changes=changes)
    return plan


@transaction.atomic
def create_action(
    *,
    user: Any,
    objective: Objective,
    title: str,
    fields: Mapping[str, Any] | None = None,
    partners: Iterable[Organisation] = (),
    funders: Iterable[Organisation] = (),
) -> Action:
    """Create an action under `objective`; `fields` may set any of `ACTION_FIELDS`.
    Dates must fall within the plan period, budgets must not be negative."""
    action = Action(objective=objective, title=title)
    apply_changes(action, fields or {}, ACTION_FIELDS)
    action.full_clean()
    action.save()
    action.partners.set(list(partners))
    action.funders.set(list(funders))
    log_activity(plan=objective.axis.plan, user=user, verb="created", obj=action)
    return action


@transaction.atomic
def update_action(
    *,
    user: Any,
    action: Action,
    fields: Mapping[str, Any],
    partners: Iterable[Organisation] | None = None,
    funders: Iterable[Organisation] | None = None,
) -> Action:
    """Change an action's fields, partners and funders; log what changed."""
    changes = apply_changes(action, fields, ACTION_FIELDS)
    action.full_clean()
    action.save()
    _set_m2m(action, "partners", partners, changes)
    _set_m2m(action, "funders", funders, changes)
    if changes:
        log_activity(plan=action.objective.axis.plan, user=user, verb="updated", obj=action, changes=changes)
    return action


@transaction.atomic
def set_steps_done(*, user: Any, action: Action, done_ids: Iterable[int]) -> list[str]:
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


def parse_value(raw: Any) -> Decimal:
    """A number typed by a person ("1 234,5", "60 %", 12) as a Decimal; ValidationError otherwise."""
    if isinstance(raw, bool):
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": raw})
    if isinstance(raw, (int, float, Decimal)):
        number = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        text = text.removesuffix("%").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": raw}) from exc
    if not number.is_finite():
        raise ValidationError(_("« %(value)s » n'est pas un nombre.") % {"value": raw})
    return number


def validate_value_date(*, plan: Plan, date: dt.date, today: dt.date | None = None) -> None:
    """A value's date: within the plan period ± one year and at most one year after today."""
    today = today or timezone.localdate()
    if date > today + dt.timedelta(days=VALUE_MARGIN_DAYS):
        raise ValidationError(_("La date est trop loin dans le futur (plus d'un an après aujourd'hui)."))
    if not plan.contains(date, margin_days=VALUE_MARGIN_DAYS):
        raise ValidationError(
            _("La date doit être comprise dans la période du plan (%(start)s – %(end)s), à un an près.")
            % {"start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def record_indicator_value(
    *, user: Any, indicator: Indicator, date: dt.date, value: Any, source: str = ""
) -> IndicatorValue:
    """Store a measured value of `indicator` after checking it is a number with a plausible date."""
    number = parse_value(value)
    validate_value_date(plan=indicator.plan, date=date)
    entry = IndicatorValue.objects.create(
        indicator=indicator,
        date=date,
        value=number,
        source=source,
        entered_by=user if user is not None and user.is_authenticated else None,
    )
    log_activity(
        plan=indicator.plan,
        user=user,
        verb="value_recorded",
        obj=indicator,
        changes={"value": [None, number], "date": [None, date], "source": [None, source]},
    )
    return entry


@transaction.atomic
def refresh_computed_indicators(*, plan: Plan, user: Any = None) -> list[IndicatorValue]:
    """Evaluate every computed indicator of `plan` and store the result dated today.

    Running it twice the same day updates today's value instead of adding a second one.
    """
    today = timezone.localdate()
    results: list[IndicatorValue] = []
    for indicator in plan.indicators.filter(computation=Computation.COMPUTED):
        if indicator.computed_key not in COMPUTATIONS:
            continue
        number = compute(indicator.computed_key, plan)
        source = _("Calcul Filière : %(key)s") % {"key": indicator.computed_key}
        entry = indicator.values.filter(date=today, source=source).first()
        old = entry.value if entry else None
        if entry is None:
            entry = IndicatorValue.objects.create(
                indicator=indicator, date=today, value=number, source=source
            )
        elif entry.value != number:
            entry.value = number
            entry.save(update_fields=["value"])
        if old != number:
            log_activity(
                plan=plan, user=user, verb="computed", obj=indicator, changes={"value": [old, number]}
            )
        results.append(entry)
    return results
