"""Export a plan to the workbook format.

Text cells go through the shared formula guard (`core.exports.safe_value`): an action titled
`=HYPERLINK(…)` is written as inert text with a leading apostrophe, which the importer removes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from filiere.core.exports import safe_value
from filiere.organisations.models import Organisation
from filiere.roadmaps.models import Action, Plan
from filiere.roadmaps.selectors import plan_tree
from filiere.roadmaps.spreadsheets.columns import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    BASELINE,
    DATE_FORMAT,
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    LIST_SEPARATOR,
    MEASURE,
    STEP_DONE,
    STEP_TODO,
    TARGET,
)

# --- Export ------------------------------------------------------------------------------------


def _write_sheet(sheet: Any, columns: list[str], rows: Iterable[list[Any]]) -> None:
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(name) + 8))
    sheet.freeze_panes = "A2"


def _names(orgs: Iterable[Organisation]) -> str:
    return f"{LIST_SEPARATOR} ".join(sorted(o.name for o in orgs))


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _steps(action: Action) -> str:
    lines = []
    for step in action.steps.all():
        due = f" ({step.due_date:%d/%m/%Y})" if step.due_date else ""
        lines.append(f"{STEP_DONE if step.done else STEP_TODO} {step.title}{due}")
    return "\n".join(lines)


def export_plan_xlsx(plan: Plan) -> bytes:
    """The plan as an XLSX workbook (sheets "Actions" and "Indicateurs")."""
    tree = plan_tree(plan)
    workbook = Workbook()
    actions_sheet = workbook.active
    actions_sheet.title = ACTIONS_SHEET
    rows = []
    for axis in tree.axes:
        for objective in axis.objectives:
            for node in objective.actions:
                a = node.action
                rows.append(
                    [
                        axis.axis.title,
                        objective.objective.title,
                        a.title,
                        a.owner_label,
                        _names(a.partners.all()),
                        _names(a.funders.all()),
                        _number(a.budget_planned),
                        _number(a.budget_spent),
                        a.get_status_display(),
                        a.get_priority_display(),
                        a.start_date,
                        a.end_date,
                        node.progress.value,
                        _number(a.weight),
                        a.description,
                        _steps(a),
                    ]
                )
    _write_sheet(actions_sheet, ACTION_COLUMNS, rows)
    progress_column = ACTION_COLUMNS.index("Avancement") + 1
    for (cell,) in actions_sheet.iter_rows(min_row=2, min_col=progress_column, max_col=progress_column):
        cell.number_format = "0%"

    indicator_rows = []
    for node in tree.indicators:
        i = node.indicator
        head = [
            i.name,
            i.unit,
            i.get_direction_display(),
            i.get_computation_display(),
            i.computed_key,
        ]
        linked = f"{LIST_SEPARATOR} ".join(sorted(a.title for a in i.actions.all()))
        indicator_rows.append([*head, i.source, linked, BASELINE, i.baseline_date, _number(i.baseline_value)])
        for t in node.targets:
            indicator_rows.append([*head, "", "", TARGET, t.date, _number(t.value)])
        for v in node.values:
            indicator_rows.append([*head, v.source, "", MEASURE, v.date, _number(v.value)])
    _write_sheet(workbook.create_sheet(INDICATORS_SHEET), INDICATOR_COLUMNS, indicator_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
