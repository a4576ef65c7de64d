"""Writes to plans. Every function here validates, saves and records an `ActivityLog` row.

- `base`: the activity log, field changes, unique titles, positions (shared by the others);
- `tree`: the plan, its axes, objectives, actions and steps; moving and deleting them;
- `indicators`: indicators, their targets, measured and computed values.
"""

from filiere.roadmaps.services.base import (
    ACTION_FIELDS,
    AXIS_FIELDS,
    INDICATOR_FIELDS,
    OBJECTIVE_FIELDS,
    PLAN_FIELDS,
    VALUE_MARGIN_DAYS,
    TreeObject,
    apply_changes,
    log_activity,
    plan_of,
)
from filiere.roadmaps.services.indicators import (
    create_indicator,
    parse_value,
    record_indicator_value,
    refresh_all_computed_indicators,
    refresh_computed_indicators,
    set_indicator_target,
    update_indicator,
    validate_value_date,
)
from filiere.roadmaps.services.tree import (
    add_step,
    create_action,
    create_axis,
    create_objective,
    create_plan,
    delete_node,
    move_node,
    set_steps_done,
    siblings,
    update_action,
    update_axis,
    update_objective,
    update_plan,
)

__all__ = [
    "ACTION_FIELDS",
    "AXIS_FIELDS",
    "INDICATOR_FIELDS",
    "OBJECTIVE_FIELDS",
    "PLAN_FIELDS",
    "VALUE_MARGIN_DAYS",
    "TreeObject",
    "add_step",
    "apply_changes",
    "create_action",
    "create_axis",
    "create_indicator",
    "create_objective",
    "create_plan",
    "delete_node",
    "log_activity",
    "move_node",
    "parse_value",
    "plan_of",
    "record_indicator_value",
    "refresh_all_computed_indicators",
    "refresh_computed_indicators",
    "set_indicator_target",
    "set_steps_done",
    "siblings",
    "update_action",
    "update_axis",
    "update_indicator",
    "update_objective",
    "update_plan",
    "validate_value_date",
]
