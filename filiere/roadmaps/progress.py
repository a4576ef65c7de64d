"""Progress roll-up: pure functions, no database.

The rules, in the order they apply:
- an indicator: (latest value − baseline) / (final target − baseline), clipped to 0..1. The
  direction decides what "reached" means when the target equals the baseline. Without a
  baseline, the first measured value is the baseline. No value or no target: unknown (None).
- an action: the mean of its indicators' progress when at least one is known; otherwise done
  steps / steps; otherwise its status (not started 0, in progress or late ½, done 1).
  An abandoned action is left out of the roll-up.
- an objective, an axis, a plan: the weighted mean of its children whose progress is known
  (weight 0 = not counted). An objective with no measurable action falls back on the indicators
  linked to it directly.
Each result carries a French explanation a person can check by hand.
`selectors.plan_tree` feeds these functions from the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filiere.core.charts import format_number

STATUS_PROGRESS: dict[str, float | None] = {
    "not_started": 0.0,
    "in_progress": 0.5,
    "late": 0.5,
    "done": 1.0,
    "abandoned": None,
}


@dataclass(frozen=True)
class Progress:
    """A share done in 0..1 (None when nothing can be measured) and why."""

    value: float | None
    explanation: str

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(self.value * 100)


@dataclass(frozen=True)
class Weighted:
    """A child's progress and its weight in its parent."""

    progress: Progress
    weight: float = 1.0
    done: bool = False
    label: str = ""


@dataclass(frozen=True)
class IndicatorState:
    name: str
    baseline: Decimal | None
    target: Decimal | None
    latest: Decimal | None
    direction: str = "up"
    first: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _plural(count: int) -> int:
    """The count to give ngettext: in French, 0 takes the singular ("0 action terminée")."""
    return count if count > 1 else 1


def format_percent(value: float) -> str:
    return f"{round(value * 100)}\u00a0%"


def indicator_ratio(
    *, baseline: Decimal | None, target: Decimal | None, latest: Decimal | None, direction: str = "up"
) -> float | None:
    """Share of the way from baseline to target reached by the latest value, clipped to 0..1."""
    if baseline is None or target is None or latest is None:
        return None
    gap = target - baseline
    if gap == 0:
        reached = latest >= target if direction == "up" else latest <= target
        return 1.0 if reached else 0.0
    ratio = float((latest - baseline) / gap)
    return min(1.0, max(0.0, ratio))


def indicator_progress(state: IndicatorState) -> Progress:
    """An indicator's progress with an explanation such as "Emplois à 60 % (9 200 / cible 10 000)"."""
    baseline = state.baseline if state.baseline is not None else state.first
    if state.latest is None:
        return Progress(None, _("%(name)s : aucune valeur mesurée") % {"name": state.name})
    if state.target is None:
        return Progress(None, _("%(name)s : pas de cible") % {"name": state.name})
    value = indicator_ratio(
        baseline=baseline, target=state.target, latest=state.latest, direction=state.direction
    )
    if value is None:
        return Progress(None, _("%(name)s : pas de valeur de référence") % {"name": state.name})
    text = _("%(name)s à %(percent)s (%(latest)s / cible %(target)s)") % {
        "name": state.name,
        "percent": format_percent(value),
        "latest": format_number(state.latest),
        "target": format_number(state.target),
    }
    return Progress(value, text)


def action_progress(
    *, indicators: Sequence[Progress], steps_done: int, steps_total: int, status: str
) -> Progress:
    """An action's progress: its indicators, else its steps, else its status."""
    if status == "abandoned":
        return Progress(None, _("action abandonnée, non comptée"))
    known = [p for p in indicators if p.value is not None]
    if known:
        value = sum(p.value for p in known if p.value is not None) / len(known)
        return Progress(value, ", ".join(p.explanation for p in known))
    if steps_total:
        text = ngettext(
            "%(done)d étape sur %(total)d réalisée",
            "%(done)d étapes sur %(total)d réalisées",
            _plural(steps_done),
        ) % {"done": steps_done, "total": steps_total}
        return Progress(steps_done / steps_total, text)
    value = STATUS_PROGRESS.get(status, 0.0)
    labels = {
        "not_started": _("non commencée"),
        "in_progress": _("en cours"),
        "late": _("en retard"),
        "done": _("terminée"),
    }
    return Progress(value, _("d'après son statut : %(status)s") % {"status": labels.get(status, status)})


def weighted_mean(children: Sequence[Weighted]) -> float | None:
    """Mean of the known children's progress weighted by their weight; None if none counts."""
    pairs = [(c.progress.value, c.weight) for c in children if c.progress.value is not None and c.weight > 0]
    total = sum(w for _v, w in pairs)
    if not pairs or total <= 0:
        return None
    return sum(v * w for v, w in pairs) / total


def group_progress(
    *,
    children: Sequence[Weighted],
    actions_done: int | None = None,
    actions_total: int | None = None,
    indicators: Sequence[Progress] = (),
) -> Progress:
    """An objective's, axis's or plan's progress: the weighted mean of its children.

    The explanation counts finished actions ("2 actions sur 3 terminées") and quotes up to two
    indicators ("indicateur Emplois à 60 %"). When no child can be measured, the indicators given
    (those linked directly to the node) are averaged instead.
    """
    value = weighted_mean(children)
    done = actions_done if actions_done is not None else sum(1 for c in children if c.done)
    total = actions_total if actions_total is not None else len(children)
    parts: list[str] = []
    if total:
        parts.append(
            ngettext(
                "%(done)d action sur %(total)d terminée",
                "%(done)d actions sur %(total)d terminées",
                _plural(done),
            )
            % {"done": done, "total": total}
        )
    else:
        parts.append(_("aucune action"))
    known = [p for p in indicators if p.value is not None]
    if value is None and known:
        value = sum(p.value for p in known if p.value is not None) / len(known)
    for p in known[:2]:
        parts.append(_("indicateur %(text)s") % {"text": p.explanation.split(" (")[0]})
    if value is None and total:
        parts.append(_("avancement non mesurable"))
    return Progress(value, ", ".join(parts))
