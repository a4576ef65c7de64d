"""Import the workbook format into a plan: validate every cell first, then write in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from filiere.roadmaps.models import (
    Action,
    ActionStep,
    Axis,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Plan,
)
from filiere.roadmaps.services import apply_changes, log_activity
from filiere.roadmaps.spreadsheets.columns import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    BASELINE,
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    MEASURE,
    TARGET,
    UnknownOwners,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User
from filiere.roadmaps.spreadsheets.reading import (
    ActionRow,
    IndicatorRow,
    Sheet,
    WorkbookReader,
    WorkbookReport,
    fold_text,
    load_rows,
)


def import_plan_xlsx(
    *, user: User | None, plan: Plan, file: IO[bytes] | bytes, unknown_owners: UnknownOwners = "error"
) -> WorkbookReport:
    """Read a workbook in the export format into `plan`; write nothing unless every cell is valid.

    `unknown_owners="keep_name"` accepts a porteur missing from the directory as text (and skips
    unknown partners or funders), reporting each as a warning instead of an error.
    """
    report = WorkbookReport()
    sheets = load_rows(file, report)
    if sheets is None or report.rejections:
        return report
    if ACTIONS_SHEET not in sheets:
        report.error(
            ACTIONS_SHEET, None, None, _("Feuille « %(sheet)s » absente.") % {"sheet": ACTIONS_SHEET}
        )
        return report
    reader = WorkbookReader(report, plan, unknown_owners)
    action_rows = reader.actions(Sheet(report, ACTIONS_SHEET, sheets[ACTIONS_SHEET], ACTION_COLUMNS))
    titles = {fold_text(r.title) for r in action_rows} | {
        fold_text(t)
        for t in Action.objects.filter(objective__axis__plan=plan).values_list("title", flat=True)
    }
    indicator_rows: list[IndicatorRow] = []
    if INDICATORS_SHEET in sheets:
        indicator_rows = reader.indicators(
            Sheet(report, INDICATORS_SHEET, sheets[INDICATORS_SHEET], INDICATOR_COLUMNS), titles
        )
    if report.rejections:
        return report
    with transaction.atomic():
        _write(report, user, plan, action_rows, indicator_rows)
        log_activity(
            plan=plan,
            user=user,
            verb="imported",
            obj=plan,
            changes={k: [None, v] for k, v in report.counts.items()},
        )
    return report


def _write(
    report: WorkbookReport,
    user: User | None,
    plan: Plan,
    action_rows: list[ActionRow],
    indicator_rows: list[IndicatorRow],
) -> None:
    axes = {fold_text(a.title): a for a in plan.axes.all()}
    objectives = {(o.axis_id, fold_text(o.title)): o for o in Objective.objects.filter(axis__plan=plan)}
    actions = {
        (a.objective_id, fold_text(a.title)): a for a in Action.objects.filter(objective__axis__plan=plan)
    }
    for r in action_rows:
        axis = axes.get(fold_text(r.axis))
        if axis is None:
            axis = Axis.objects.create(plan=plan, title=r.axis, kind=plan.axis_kind, position=len(axes) + 1)
            axes[fold_text(r.axis)] = axis
            log_activity(plan=plan, user=user, verb="created", obj=axis)
            report.count("axes_created")
        objective = objectives.get((axis.pk, fold_text(r.objective)))
        if objective is None:
            position = sum(1 for key in objectives if key[0] == axis.pk) + 1
            objective = Objective.objects.create(axis=axis, title=r.objective, position=position)
            objectives[(axis.pk, fold_text(r.objective))] = objective
            log_activity(plan=plan, user=user, verb="created", obj=objective)
            report.count("objectives_created")
        action = actions.get((objective.pk, fold_text(r.title)))
        created = action is None
        if action is None:
            position = sum(1 for key in actions if key[0] == objective.pk) + 1
            action = Action(objective=objective, title=r.title, position=position)
        changes = apply_changes(action, r.fields, r.fields.keys())
        if created or changes:
            action.save()
        for name, orgs in (("partners", r.partners), ("funders", r.funders)):
            current = {o.pk for o in getattr(action, name).all()} if not created else set()
            wanted = {o.pk for o in orgs}
            if current != wanted:
                getattr(action, name).set(orgs)
                changes[name] = [len(current), len(wanted)]
        actions[(objective.pk, fold_text(r.title))] = action
        if r.steps is not None:
            changes.update(_sync_steps(action, r.steps, created=created))
        if created:
            log_activity(plan=plan, user=user, verb="created", obj=action)
            report.count("actions_created")
        elif changes:
            log_activity(plan=plan, user=user, verb="updated", obj=action, changes=changes)
            report.count("actions_updated")
        else:
            report.count("actions_unchanged")
    _write_indicators(report, user, plan, indicator_rows)


def _sync_steps(
    action: Action, steps: list[tuple[str, dt.date | None, bool]], *, created: bool
) -> dict[str, list[Any]]:
    """Make the action's steps those of the file (matched on their titles); return what changed."""
    done_label, todo_label = _("réalisée"), _("à faire")
    existing = {} if created else {fold_text(s.title): s for s in action.steps.all()}
    changes: dict[str, list[Any]] = {}
    for position, (title, due, done) in enumerate(steps, start=1):
        step = existing.pop(fold_text(title), None)
        if step is None:
            ActionStep.objects.create(action=action, title=title, due_date=due, done=done, position=position)
            changes[f"étape {title}"] = [None, done_label if done else todo_label]
        elif (step.due_date, step.done, step.position) != (due, done, position):
            if (step.due_date, step.done) != (due, done):
                changes[f"étape {title}"] = [
                    f"{step.due_date or ''} {done_label if step.done else todo_label}".strip(),
                    f"{due or ''} {done_label if done else todo_label}".strip(),
                ]
            step.due_date, step.done, step.position = due, done, position
            step.save(update_fields=["due_date", "done", "position"])
    for step in existing.values():
        changes[f"étape {step.title}"] = [done_label if step.done else todo_label, None]
        step.delete()
    return changes


def _write_indicators(
    report: WorkbookReport, user: User | None, plan: Plan, rows: list[IndicatorRow]
) -> None:
    existing = {fold_text(i.name): i for i in plan.indicators.all()}
    by_title: dict[str, list[Action]] = {}
    for action in Action.objects.filter(objective__axis__plan=plan):
        by_title.setdefault(fold_text(action.title), []).append(action)
    touched: dict[str, dict[str, Any]] = {}
    new_names: set[str] = set()
    for r in rows:
        indicator = existing.get(fold_text(r.name))
        if indicator is None:
            indicator = Indicator.objects.create(
                plan=plan, name=r.name, position=len(existing) + 1, **r.attrs
            )
            existing[fold_text(r.name)] = indicator
            log_activity(plan=plan, user=user, verb="created", obj=indicator)
            report.count("indicators_created")
            new_names.add(fold_text(r.name))
        changes = touched.setdefault(indicator.name, {})
        if r.nature == BASELINE:
            changes.update(
                apply_changes(
                    indicator,
                    {**r.attrs, "source": r.source, "baseline_date": r.date, "baseline_value": r.value},
                    [*r.attrs, "source", "baseline_date", "baseline_value"],
                )
            )
            if changes:
                indicator.save()
            wanted = {a.pk for t in r.linked for a in by_title.get(fold_text(t), [])}
            if wanted != {a.pk for a in indicator.actions.all()}:
                indicator.actions.set(wanted)
                changes["actions"] = [None, len(wanted)]
        elif r.nature == TARGET:
            target, created = IndicatorTarget.objects.get_or_create(
                indicator=indicator, date=r.date, defaults={"value": r.value}
            )
            if created or target.value != r.value:
                changes[f"cible {r.date}"] = [None if created else target.value, r.value]
                target.value = r.value
                target.save()
        elif r.nature == MEASURE:
            same_day = indicator.values.filter(date=r.date).order_by("-created_at", "-pk").first()
            if same_day is None:
                IndicatorValue.objects.create(
                    indicator=indicator, date=r.date, value=r.value, source=r.source, entered_by=_user(user)
                )
                changes[f"valeur {r.date}"] = [None, r.value]
            elif same_day.value != r.value or same_day.source != r.source:
                changes[f"valeur {r.date}"] = [same_day.value, r.value]
                same_day.value, same_day.source = r.value, r.source
                same_day.save(update_fields=["value", "source"])
    for name, changes in touched.items():
        indicator = existing[fold_text(name)]
        if changes:
            # The series of a new indicator is logged too: the creation entry says nothing of it.
            log_activity(plan=plan, user=user, verb="updated", obj=indicator, changes=changes)
        if fold_text(name) in new_names:
            continue
        report.count("indicators_updated" if changes else "indicators_unchanged")


def _user(user: User | None) -> Any:
    return user if user is not None and user.is_authenticated else None
