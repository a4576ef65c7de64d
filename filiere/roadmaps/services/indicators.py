"""Writes to indicators: definition, targets by date, measured values, computed values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.roadmaps.computations import computations, compute
from filiere.roadmaps.models import (
    Action,
    Computation,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
)
from filiere.roadmaps.services.base import (
    INDICATOR_FIELDS,
    VALUE_MARGIN_DAYS,
    apply_changes,
    log_activity,
    next_position,
    plan_of,
    require_unique_title,
    set_m2m,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


@transaction.atomic
def create_indicator(
    *,
    user: User | None,
    plan: Plan,
    name: str,
    fields: Mapping[str, Any] | None = None,
    actions: Iterable[Action] = (),
    objectives: Iterable[Objective] = (),
) -> Indicator:
    """Add an indicator to `plan` (name unique in the plan; a computed one names a known computation)."""
    require_unique_title(
        plan.indicators.all(), name, _("Le plan a déjà un indicateur de ce nom."), field="name"
    )
    indicator = Indicator(plan=plan, name=name, position=next_position(plan.indicators.all()))
    apply_changes(indicator, fields or {}, INDICATOR_FIELDS)
    _clean_indicator(indicator)
    indicator.save()
    indicator.actions.set(_own_nodes(plan, actions, "actions"))
    indicator.objectives.set(_own_nodes(plan, objectives, "objectives"))
    log_activity(plan=plan, user=user, verb="created", obj=indicator)
    return indicator


def _clean_indicator(indicator: Indicator) -> None:
    if indicator.computation != Computation.COMPUTED:
        indicator.computed_key = ""
    elif not indicator.computed_key:
        raise ValidationError({"computed_key": _("Choisissez le calcul de la plateforme.")})
    indicator.full_clean()


def _own_nodes(plan: Plan, nodes: Iterable[Action | Objective], field: str) -> list[Any]:
    nodes = list(nodes)
    for node in nodes:
        if plan_of(node).pk != plan.pk:
            raise ValidationError({field: _("Un élément choisi n'appartient pas à ce plan.")})
    return nodes


@transaction.atomic
def update_indicator(
    *,
    user: User | None,
    indicator: Indicator,
    fields: Mapping[str, Any],
    actions: Iterable[Action] | None = None,
    objectives: Iterable[Objective] | None = None,
) -> Indicator:
    """Change an indicator's description, unit, direction, baseline, computation and links."""
    if "name" in fields:
        others = indicator.plan.indicators.exclude(pk=indicator.pk)
        require_unique_title(
            others, fields["name"], _("Le plan a déjà un indicateur de ce nom."), field="name"
        )
    changes = apply_changes(indicator, fields, INDICATOR_FIELDS)
    _clean_indicator(indicator)
    indicator.save()
    if actions is not None:
        set_m2m(indicator, "actions", _own_nodes(indicator.plan, actions, "actions"), changes)
    if objectives is not None:
        set_m2m(indicator, "objectives", _own_nodes(indicator.plan, objectives, "objectives"), changes)
    if changes:
        log_activity(plan=indicator.plan, user=user, verb="updated", obj=indicator, changes=changes)
    return indicator


@transaction.atomic
def set_indicator_target(
    *, user: User | None, indicator: Indicator, date: dt.date, value: Any
) -> IndicatorTarget:
    """Set the target of `indicator` at `date` (one target per date: a second one replaces it).
    The date falls within the plan period, give or take a year (targets often name the year after)."""
    number = parse_value(value)
    plan = indicator.plan
    if not plan.contains(date, margin_days=VALUE_MARGIN_DAYS):
        raise ValidationError(
            {
                "date": _(
                    "La date doit être comprise dans la période du plan (%(start)s – %(end)s), à un an près."
                )
                % {"start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")}
            }
        )
    target = indicator.targets.filter(date=date).first()
    old = target.value if target else None
    if target is None:
        target = IndicatorTarget.objects.create(indicator=indicator, date=date, value=number)
    elif target.value != number:
        target.value = number
        target.save(update_fields=["value"])
    if old != number:
        log_activity(
            plan=plan, user=user, verb="target_set", obj=indicator, changes={f"cible {date}": [old, number]}
        )
    return target


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
    *, user: User | None, indicator: Indicator, date: dt.date, value: Any, source: str = ""
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
def refresh_computed_indicators(*, plan: Plan, user: User | None = None) -> list[IndicatorValue]:
    """Evaluate every computed indicator of `plan` and store the result dated today.

    Running it twice the same day updates today's value instead of adding a second one.
    """
    today = timezone.localdate()
    results: list[IndicatorValue] = []
    known = computations()
    for indicator in plan.indicators.filter(computation=Computation.COMPUTED):
        if indicator.computed_key not in known:
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


def refresh_all_computed_indicators() -> dict[Plan, list[IndicatorValue]]:
    """Refresh the computed indicators of every plan that has some, dated today: what
    `filiere roadmaps_refresh`, the daily task and the end of the demo run."""
    plans = Plan.objects.filter(indicators__computation=Computation.COMPUTED).distinct().order_by("pk")
    return {plan: refresh_computed_indicators(plan=plan) for plan in plans}
