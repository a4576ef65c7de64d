"""A plan's and an action's money: their planned and spent budgets against what other apps
granted and paid for them. Apps register `roadmap_action_funding` in their AppConfig (a function
`[action_id] -> {action_id: {"granted", "paid"}}`: governance's funding lines); roadmaps imports
none of them. Re-exported by `roadmaps.selectors`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from filiere.core import registry

if TYPE_CHECKING:
    from filiere.roadmaps.models import Action
    from filiere.roadmaps.selectors import PlanTree


def _funding(action_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Granted and paid money per action, summed over the apps registering
    `roadmap_action_funding` in their AppConfig (a function `[action_id] -> {action_id: {"granted",
    "paid"}}`, governance's funding lines); roadmaps imports none of them."""
    totals: dict[int, dict[str, Decimal]] = {}
    for _config, function in registry.registered("roadmap_action_funding"):
        for action_id, money in function(action_ids).items():
            total = totals.setdefault(action_id, {"granted": Decimal(0), "paid": Decimal(0)})
            total["granted"] += money.get("granted") or 0
            total["paid"] += money.get("paid") or 0
    return totals


def plan_budget(tree: PlanTree) -> dict[str, Any] | None:
    """The plan's money: its actions' planned and spent budgets, and what other apps granted and
    paid for them (one call per registering app). None when no action has a budget or funding."""
    actions = [node.action for node in tree.actions()]
    funding = _funding([action.pk for action in actions])
    planned = spent = granted = paid = Decimal(0)
    known = False
    for action in actions:
        money = funding.get(action.pk)
        if action.budget_planned is None and action.budget_spent is None and money is None:
            continue
        known = True
        planned += action.budget_planned or 0
        spent += action.budget_spent or 0
        if money is not None:
            granted += money["granted"]
            paid += money["paid"]
    if not known:
        return None
    return {
        "planned": planned,
        "spent": spent,
        "granted": granted,
        "paid": paid,
        # What was spent beyond the money granted: the part the plan still has to fund.
        "unfunded": spent - granted if spent > granted else None,
        "funded_percent": round(granted * 100 / planned) if planned else None,
    }


def action_funding(action: Action) -> dict[str, Any] | None:
    """The money other apps record for an action (`_funding`), against its spent budget. None when
    nothing is recorded."""
    money = _funding([action.pk]).get(action.pk)
    if money is None or (not money["granted"] and not money["paid"]):
        return None
    granted, paid = money["granted"], money["paid"]
    spent = action.budget_spent
    return {
        "granted": granted,
        "paid": paid,
        "spent": spent,
        # What was spent beyond the money granted: the part the plan still has to fund.
        "unfunded": spent - granted if spent is not None and spent > granted else None,
        "paid_percent": round(paid * 100 / granted) if granted else None,
    }
