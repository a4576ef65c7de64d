"""Reads shared by the views, the API and other apps: access checks and the plan tree with progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from filiere.accounts import permissions
from filiere.accounts.permissions import is_regional_admin, is_signed_in
from filiere.organisations.models import Organisation

# A plan's and an action's money, re-exported: callers read every roadmap fact here.
from filiere.roadmaps.budget import action_funding as action_funding
from filiere.roadmaps.budget import plan_budget as plan_budget
from filiere.roadmaps.models import (
    Action,
    ActionStatus,
    ActionStep,
    ActivityLog,
    Axis,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
)
from filiere.roadmaps.progress import (
    IndicatorState,
    Progress,
    Weighted,
    action_progress,
    group_progress,
    indicator_progress,
)
from filiere.territories.models import Region

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

# --- Access (the roles are accounts.permissions'; the plan rules are here) ----------------------


def plans_for_user(user: Viewer) -> QuerySet[Plan]:
    """Plans `user` may read: public ones, plus private ones of their region or organisations."""
    plans = Plan.objects.select_related("region")
    if not is_signed_in(user):
        return plans.filter(is_public=True)
    if permissions.is_platform_staff(user):
        return plans
    orgs = permissions.organisation_ids_of(user)
    regions = permissions.administered_region_codes(user)
    return plans.filter(
        Q(is_public=True)
        | Q(region_id__in=regions)
        | Q(partners__in=orgs)
        | Q(axes__objectives__actions__owner__in=orgs)
    ).distinct()


def can_read_plan(user: Viewer, plan: Plan) -> bool:
    """Public plans are readable by anyone; private ones by platform staff, the region's
    administrators and members of the plan's partner organisations or of an action's porteur."""
    if plan.is_public:
        return True
    if not is_signed_in(user):
        return False
    if permissions.is_platform_staff(user) or is_regional_admin(user, plan.region_id):
        return True
    orgs = permissions.organisation_ids_of(user)
    return (
        plan.partners.filter(pk__in=orgs).exists()
        or Action.objects.filter(objective__axis__plan=plan, owner__in=orgs).exists()
    )


def get_plan_for_user(user: Viewer, pk: int | str) -> Plan:
    """The plan `pk` if `user` may read it; Http404 otherwise (a private plan's existence is not revealed)."""
    try:
        plan = Plan.objects.select_related("region").get(pk=int(pk))
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_read_plan(user, plan):
        raise Http404
    return plan


def can_edit_plan(user: Viewer, plan: Plan) -> bool:
    """Platform staff and the region's administrators edit the whole plan."""
    if not is_signed_in(user):
        return False
    return permissions.is_platform_staff(user) or is_regional_admin(user, plan.region_id)


def can_edit_action(user: Viewer, action: Action) -> bool:
    """Whoever edits the plan, plus editors and admins of the action's porteur organisation."""
    if can_edit_plan(user, action.objective.axis.plan):
        return True
    if not is_signed_in(user) or action.owner_id is None:
        return False
    return permissions.has_role(user, action.owner_id)


def can_edit_indicator(user: Viewer, indicator: Indicator) -> bool:
    """Whoever edits the plan, plus editors of the porteur of an action the indicator measures."""
    if can_edit_plan(user, indicator.plan):
        return True
    if not is_signed_in(user):
        return False
    owners = set(indicator.actions.exclude(owner=None).values_list("owner_id", flat=True))
    return bool(owners & permissions.organisation_ids_of(user, permissions.EDITING_ROLES))


def _get_in_readable_plan(
    user: Viewer, model: type[Any], pk: int | str, plan_path: str, *related: str
) -> Any:
    """The `model` row `pk` if `user` may read the plan it belongs to (reached through
    `plan_path`, e.g. "objective__axis__plan"); Http404 otherwise, as for an unknown id."""
    try:
        obj = model.objects.select_related(f"{plan_path}__region", *related).get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    plan = obj
    for part in plan_path.split("__"):
        plan = getattr(plan, part)
    if not can_read_plan(user, plan):
        raise Http404
    return obj


def get_action_for_user(user: Viewer, pk: int | str) -> Action:
    """The action `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, Action, pk, "objective__axis__plan", "owner")


def get_indicator_for_user(user: Viewer, pk: int | str) -> Indicator:
    """The indicator `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, Indicator, pk, "plan")


def get_axis_for_user(user: Viewer, pk: int | str) -> Axis:
    """The axis `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, Axis, pk, "plan")


def get_objective_for_user(user: Viewer, pk: int | str) -> Objective:
    """The objective `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, Objective, pk, "axis__plan")


def get_step_for_user(user: Viewer, pk: int | str) -> ActionStep:
    """The step `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, ActionStep, pk, "action__objective__axis__plan")


def get_target_for_user(user: Viewer, pk: int | str) -> IndicatorTarget:
    """The indicator target `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, IndicatorTarget, pk, "indicator__plan")


def get_value_for_user(user: Viewer, pk: int | str) -> IndicatorValue:
    """The measured value `pk` if `user` may read its plan; Http404 otherwise."""
    return _get_in_readable_plan(user, IndicatorValue, pk, "indicator__plan")


def regions_for_new_plan(user: Viewer) -> QuerySet[Region]:
    """Regions in which `user` may create a plan: all for platform staff, else those they administer."""
    if not is_signed_in(user):
        return Region.objects.none()
    if permissions.is_platform_staff(user):
        return Region.objects.order_by("name")
    return Region.objects.filter(code__in=permissions.administered_region_codes(user)).order_by("name")


def can_create_plan(user: Viewer) -> bool:
    """Platform staff and regional administrators create plans (in their regions)."""
    return regions_for_new_plan(user).exists()


def plans_edited_by(user: Any) -> QuerySet[Plan]:
    """Plans the person edits: whole plans (platform and regional staff) or actions carried by
    an organisation they edit; newest first."""
    if permissions.is_platform_staff(user):
        return Plan.objects.order_by("-start_date", "title")
    regions = permissions.administered_region_codes(user)
    editing = permissions.organisation_ids_of(user, permissions.EDITING_ROLES)
    if not regions and not editing:
        return Plan.objects.none()
    return (
        Plan.objects.filter(Q(region_id__in=regions) | Q(axes__objectives__actions__owner_id__in=editing))
        .distinct()
        .order_by("-start_date", "title")
    )


def find_organisation(text: str) -> Organisation | None:
    """The directory organisation a person means by `text`: a SIREN, else an exact name, else a
    name or acronym in any case (the oldest one when several match)."""
    text = " ".join(text.split())
    if not text:
        return None
    organisations = Organisation.objects.order_by("pk")
    if text.replace(" ", "").isdigit() and len(text.replace(" ", "")) == 9:
        return organisations.filter(siren=text.replace(" ", "")).first()
    return (
        organisations.filter(name=text).first()
        or organisations.filter(name__iexact=text).first()
        or organisations.filter(acronym__iexact=text).first()
    )


# --- Activity log ------------------------------------------------------------------------------

VERB_LABELS = {
    "created": _("création"),
    "updated": _("modification"),
    "deleted": _("suppression"),
    "moved": _("déplacement"),
    "imported": _("import XLSX"),
    "value_recorded": _("valeur saisie"),
    "target_set": _("cible fixée"),
    "target_deleted": _("cible supprimée"),
    "value_deleted": _("valeur supprimée"),
    "computed": _("valeur calculée"),
    "steps_updated": _("étapes cochées"),
}
LOGGED_MODELS = {m._meta.model_name: m for m in (Plan, Axis, Objective, Action, ActionStep, Indicator)}
# Keys of `ActivityLog.changes` that are not a field of the logged object.
COUNT_LABELS = {
    "value": _("valeur"),
    "date": _("date"),
    "objectives": _("objectifs"),
    "actions": _("actions"),
    "values": _("valeurs mesurées"),
    "targets": _("cibles"),
    "axes_created": _("axes créés"),
    "objectives_created": _("objectifs créés"),
    "actions_created": _("actions créées"),
    "actions_updated": _("actions modifiées"),
    "actions_unchanged": _("actions inchangées"),
    "indicators_created": _("indicateurs créés"),
    "indicators_updated": _("indicateurs modifiés"),
    "indicators_unchanged": _("indicateurs inchangés"),
}


@dataclass
class ActivityRow:
    entry: ActivityLog
    verb: str
    object_type: str
    changes: list[tuple[str, Any, Any]]


def _field_label(model: Any, name: str) -> str:
    if name in COUNT_LABELS:
        return str(COUNT_LABELS[name])
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name) if model else name
    except FieldDoesNotExist:
        return name  # "cible 2021-12-31", "étape Bilan", a step's title…


def activity_rows(entries: Iterable[ActivityLog]) -> list[ActivityRow]:
    """Log entries as a person reads them: French operation and object names, field labels."""
    rows = []
    for entry in entries:
        model = LOGGED_MODELS.get(entry.object_type)
        rows.append(
            ActivityRow(
                entry=entry,
                verb=str(VERB_LABELS.get(entry.verb, entry.verb)),
                object_type=str(model._meta.verbose_name) if model else entry.object_type,
                changes=[(_field_label(model, k), *pair) for k, pair in entry.changes.items()],
            )
        )
    return rows


# --- Indicators --------------------------------------------------------------------------------


@dataclass
class IndicatorNode:
    indicator: Indicator
    progress: Progress
    targets: list[IndicatorTarget]
    values: list[IndicatorValue]

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def target(self) -> IndicatorTarget | None:
        return self.targets[-1] if self.targets else None


def _sorted_values(values: Iterable[IndicatorValue]) -> list[IndicatorValue]:
    return sorted(values, key=lambda v: (v.date, v.created_at, v.pk))


def indicator_node(indicator: Indicator) -> IndicatorNode:
    """An indicator with its series and progress (uses prefetched targets and values if any)."""
    targets = sorted(indicator.targets.all(), key=lambda t: t.date)
    values = _sorted_values(indicator.values.all())
    state = IndicatorState(
        name=indicator.name,
        baseline=indicator.baseline_value,
        target=targets[-1].value if targets else None,
        latest=values[-1].value if values else None,
        direction=indicator.direction,
        first=values[0].value if values else None,
    )
    return IndicatorNode(indicator, indicator_progress(state), targets, values)


def indicator_series(indicator: Indicator) -> dict[str, Any]:
    """Baseline, targets and values of an indicator, as plain data for charts, tables and the API."""
    node = indicator_node(indicator)
    return {
        "baseline": (indicator.baseline_date, indicator.baseline_value),
        "targets": [(t.date, t.value) for t in node.targets],
        "values": [(v.date, v.value, v.source) for v in node.values],
        "progress": node.progress,
    }


# --- Plan tree ---------------------------------------------------------------------------------


@dataclass
class ActionNode:
    action: Action
    progress: Progress
    indicators: list[IndicatorNode] = field(default_factory=list)


@dataclass
class ObjectiveNode:
    objective: Objective
    progress: Progress
    actions: list[ActionNode] = field(default_factory=list)
    indicators: list[IndicatorNode] = field(default_factory=list)
    number: int = 0  # numbered across the whole plan, as roadmaps do ("Objectif 7")


@dataclass
class AxisNode:
    axis: Axis
    progress: Progress
    objectives: list[ObjectiveNode] = field(default_factory=list)


@dataclass
class PlanTree:
    plan: Plan
    progress: Progress
    axes: list[AxisNode]
    indicators: list[IndicatorNode]

    def actions(self) -> list[ActionNode]:
        return [a for axis in self.axes for o in axis.objectives for a in o.actions]


def _indicators_of(actions: list[ActionNode]) -> list[Progress]:
    """Progress of the distinct indicators measuring these actions, in plan order."""
    seen: dict[int, IndicatorNode] = {}
    for action in actions:
        for node in action.indicators:
            seen.setdefault(node.indicator.pk, node)
    return [n.progress for n in sorted(seen.values(), key=lambda n: (n.indicator.position, n.indicator.pk))]


def _done_total(actions: list[ActionNode]) -> tuple[int, int]:
    return sum(1 for a in actions if a.action.status == ActionStatus.DONE), len(actions)


def build_action_node(action: Action, indicators: list[IndicatorNode]) -> ActionNode:
    steps = list(action.steps.all())
    progress = action_progress(
        indicators=[i.progress for i in indicators],
        steps_done=sum(1 for s in steps if s.done),
        steps_total=len(steps),
        status=action.status,
    )
    return ActionNode(action, progress, indicators)


def plan_tree(plan: Plan) -> PlanTree:
    """The plan's axes → objectives → actions with indicators and rolled-up progress, in a few queries."""
    indicators = {
        i.pk: indicator_node(i)
        for i in plan.indicators.prefetch_related("targets", "values", "actions", "objectives")
    }
    by_action: dict[int, list[IndicatorNode]] = {}
    by_objective: dict[int, list[IndicatorNode]] = {}
    for node in indicators.values():
        for action in node.indicator.actions.all():
            by_action.setdefault(action.pk, []).append(node)
        for objective in node.indicator.objectives.all():
            by_objective.setdefault(objective.pk, []).append(node)

    axes = plan.axes.prefetch_related(
        "objectives__actions__steps",
        "objectives__actions__owner",
        "objectives__actions__partners",
        "objectives__actions__funders",
    )
    axis_nodes: list[AxisNode] = []
    for axis in axes:
        objective_nodes: list[ObjectiveNode] = []
        for objective in axis.objectives.all():
            action_nodes = [build_action_node(a, by_action.get(a.pk, [])) for a in objective.actions.all()]
            own = by_objective.get(objective.pk, [])
            done, total = _done_total(action_nodes)
            progress = group_progress(
                children=[Weighted(a.progress, float(a.action.weight)) for a in action_nodes],
                actions_done=done,
                actions_total=total,
                indicators=[i.progress for i in own] or _indicators_of(action_nodes),
            )
            number = sum(len(a.objectives) for a in axis_nodes) + len(objective_nodes) + 1
            objective_nodes.append(ObjectiveNode(objective, progress, action_nodes, own, number))
        axis_actions = [a for o in objective_nodes for a in o.actions]
        done, total = _done_total(axis_actions)
        axis_progress = group_progress(
            children=[Weighted(o.progress, float(o.objective.weight)) for o in objective_nodes],
            actions_done=done,
            actions_total=total,
            indicators=_indicators_of(axis_actions),
        )
        axis_nodes.append(AxisNode(axis, axis_progress, objective_nodes))
    all_actions = [a for axis in axis_nodes for o in axis.objectives for a in o.actions]
    done, total = _done_total(all_actions)
    progress = group_progress(
        children=[Weighted(a.progress, float(a.axis.weight)) for a in axis_nodes],
        actions_done=done,
        actions_total=total,
        indicators=_indicators_of(all_actions),
    )
    return PlanTree(plan, progress, axis_nodes, list(indicators.values()))


@dataclass
class OutlineObjective:
    objective: Objective
    number: int  # numbered across the whole plan, as in plan_tree
    actions: list[Action]


def plan_outline(plan: Plan) -> list[tuple[Axis, list[OutlineObjective]]]:
    """The plan's axes → objectives → actions in reading order, without indicators or progress
    (three queries): for callers that only need the structure (consultations' sections)."""
    outline: list[tuple[Axis, list[OutlineObjective]]] = []
    number = 0
    for axis in plan.axes.prefetch_related("objectives__actions"):
        objectives: list[OutlineObjective] = []
        for objective in axis.objectives.all():
            number += 1
            objectives.append(OutlineObjective(objective, number, list(objective.actions.all())))
        outline.append((axis, objectives))
    return outline


def action_node(action: Action) -> ActionNode:
    """One action with its indicators and progress."""
    indicators = [indicator_node(i) for i in action.indicators.prefetch_related("targets", "values")]
    return build_action_node(action, indicators)
