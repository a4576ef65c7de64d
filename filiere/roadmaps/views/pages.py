"""Pages of plans: list, tree, action, indicator (chart and value entry), XLSX export and import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service
from filiere.core.params import parse_int
from filiere.roadmaps import selectors, services
from filiere.roadmaps.charts import indicator_chart, plan_chart
from filiere.roadmaps.forms import (
    ActionForm,
    IndicatorValueForm,
    PlanImportForm,
)
from filiere.roadmaps.models import AxisKind, Indicator
from filiere.roadmaps.spreadsheets import export_plan_xlsx, import_plan_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = [selectors.plan_tree(p) for p in selectors.plans_for_user(request.user)]
    context = {"trees": plans, "can_create": selectors.can_create_plan(request.user)}
    return render(request, "roadmaps/plan_list.html", context)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    tree = selectors.plan_tree(plan)
    charts = [
        (node, indicator_chart(node, uid=f"plan-chart-{node.indicator.pk}", small=True))
        for node in tree.indicators
    ]
    context = {
        "plan": plan,
        "tree": tree,
        "axes_heading": _axes_heading(plan.axis_kind, len(tree.axes)),
        "charts": charts,
        "summary_chart": plan_chart(tree) if tree.indicators else None,
        "can_edit": selectors.can_edit_plan(request.user, plan),
        "budget": selectors.plan_budget(tree),
    }
    return render(request, "roadmaps/plan_detail.html", context)


def _axes_heading(kind: str, count: int) -> str:
    """ "4 ambitions", "3 priorités": what the plan calls its first level, counted."""
    values = {"count": count}
    if kind == AxisKind.PRIORITY:
        return ngettext("%(count)d priorité", "%(count)d priorités", count) % values
    if kind == AxisKind.AMBITION:
        return ngettext("%(count)d ambition", "%(count)d ambitions", count) % values
    return ngettext("%(count)d axe", "%(count)d axes", count) % values


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.get_action_for_user(request.user, pk)
    can_edit = selectors.can_edit_action(request.user, action)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    # The form edits a copy so a refused change never shows as saved on the page.
    form = ActionForm(request.POST or None, instance=selectors.get_action_for_user(request.user, pk))
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_action(
                user=request.user, action=action, fields={f: d[f] for f in ActionForm.Meta.fields}
            ),
        )
        if saved is not None:
            step_ids = {n for i in request.POST.getlist("steps_done") if (n := parse_int(i)) is not None}
            services.set_steps_done(user=request.user, action=action, done_ids=step_ids)
            messages.success(request, _("Action mise à jour."))
            return redirect("roadmaps:action_detail", pk=action.pk)
    context = {
        "action": action,
        "plan": action.objective.axis.plan,
        "node": selectors.action_node(action),
        "funding": selectors.action_funding(action),
        "form": form if can_edit else None,
        "can_edit_all": can_edit,
    }
    return render(request, "roadmaps/action_detail.html", context, status=400 if form.errors else 200)


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk)
    can_edit = selectors.can_edit_indicator(request.user, indicator)
    form = IndicatorValueForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        value = run_service(
            form,
            lambda d: services.record_indicator_value(
                user=request.user, indicator=indicator, date=d["date"], value=d["value"], source=d["source"]
            ),
        )
        if value is not None:
            messages.success(request, _("Valeur enregistrée."))
            return redirect("roadmaps:indicator_detail", pk=indicator.pk)
    node = selectors.indicator_node(indicator)
    chart = indicator_chart(node, uid=f"indicator-{indicator.pk}", table_id="indicator-data")
    context = {
        "indicator": indicator,
        "plan": indicator.plan,
        "node": node,
        "chart": chart,
        "rows": _series_rows(indicator, node),
        "form": form if can_edit else None,
        "can_edit_definition": selectors.can_edit_plan(request.user, indicator.plan),
    }
    return render(request, "roadmaps/indicator_detail.html", context, status=400 if form.errors else 200)


def _series_rows(indicator: Indicator, node: selectors.IndicatorNode) -> list[dict[str, Any]]:
    rows = []
    if indicator.baseline_value is not None:
        rows.append(
            {
                "date": indicator.baseline_date,
                "kind": _("Référence"),
                "value": indicator.baseline_value,
                "source": indicator.source,
            }
        )
    rows += [{"date": t.date, "kind": _("Cible"), "value": t.value, "source": ""} for t in node.targets]
    rows += [
        {"date": v.date, "kind": _("Mesure"), "value": v.value, "source": v.source, "value_pk": v.pk}
        for v in node.values
    ]
    return sorted(rows, key=lambda r: (r["date"] is not None, r["date"]))


def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    response = HttpResponse(export_plan_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slugify(plan.title)[:80] or "plan"}.xlsx"'
    return response


def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    if not selectors.can_edit_plan(request.user, plan):
        raise PermissionDenied
    form = PlanImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = import_plan_xlsx(
            user=request.user,
            plan=plan,
            file=form.cleaned_data["file"].read(),
            unknown_owners=form.cleaned_data["unknown_owners"],
        )
        if report.ok:
            messages.success(request, _("Import terminé."))
    status = 400 if report is not None and not report.ok else 200
    return render(
        request, "roadmaps/plan_import.html", {"plan": plan, "form": form, "report": report}, status=status
    )


def plan_activity(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    entries = plan.activity.select_related("user")[:200]
    # Who made a change is shown to the plan's editors only, not to the public.
    show_users = selectors.can_edit_plan(request.user, plan)
    context = {"plan": plan, "entries": selectors.activity_rows(entries), "show_users": show_users}
    return render(request, "roadmaps/plan_activity.html", context)


@require_POST
def plan_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    if not selectors.can_edit_plan(request.user, plan):
        raise PermissionDenied
    done = services.refresh_computed_indicators(plan=plan, user=request.user)
    messages.success(request, _("%(count)d indicateur(s) calculé(s) mis à jour.") % {"count": len(done)})
    return redirect("roadmaps:plan_detail", pk=plan.pk)
