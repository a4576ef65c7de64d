"""What every write to a plan shares: the activity log, field changes, titles, positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from filiere.roadmaps.models import (
    Action,
    ActionStep,
    ActivityLog,
    Axis,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

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
AXIS_FIELDS = ("title", "description", "weight", "kind", "position")
OBJECTIVE_FIELDS = ("title", "description", "weight", "position")
INDICATOR_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "source",
    "computation",
    "computed_key",
    "position",
)
# A measured value may be dated up to a year after the plan (final evaluations come late) and
# never more than a year ahead of today (a forecast is a target, not a value).
VALUE_MARGIN_DAYS = 366


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # "2", not "2.00" or "2E+1"
    if isinstance(value, dt.date):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def log_activity(
    *,
    plan: Plan,
    user: User | None,
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


def set_m2m(obj: Model, name: str, orgs: Iterable[Model] | None, changes: dict[str, list[Any]]) -> None:
    if orgs is None:
        return
    manager = getattr(obj, name)
    before = sorted(str(o) for o in manager.all())
    orgs = list(orgs)
    after = sorted(str(o) for o in orgs)
    if before != after:
        manager.set(orgs)
        changes[name] = [", ".join(before), ", ".join(after)]


def require_unique_title(queryset: Any, title: str, message: str, *, field: str = "title") -> None:
    if queryset.filter(**{f"{field}__iexact": title}).exists():
        raise ValidationError({field: message})


def next_position(queryset: Any) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


TreeObject = Axis | Objective | Action | Indicator | ActionStep


def plan_of(obj: TreeObject | IndicatorTarget | IndicatorValue) -> Plan:
    """The plan an axis, objective, action, step, indicator, target or value belongs to."""
    if isinstance(obj, Axis | Indicator):
        return obj.plan
    if isinstance(obj, Objective):
        return obj.axis.plan
    if isinstance(obj, Action):
        return obj.objective.axis.plan
    if isinstance(obj, ActionStep):
        return obj.action.objective.axis.plan
    return obj.indicator.plan


def period_error(plan: Plan) -> str:
    return _("Date hors de la période du plan (%(start)s – %(end)s).") % {
        "start": plan.start_date.strftime("%d/%m/%Y"),
        "end": plan.end_date.strftime("%d/%m/%Y"),
    }
