"""Editing a plan: the plan, its axes, objectives, actions, steps, indicators and targets.

Plan editors (staff, the region's administrators) edit everything; editors of an action's porteur
edit that action and its steps. Every page asks to sign in first (302 to the login page), as the
other apps' private pages do. Every write goes through `services`, which log it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service
from filiere.roadmaps import selectors, services
from filiere.roadmaps.forms import (
    ActionEditForm,
    IndicatorForm,
    NodeForm,
    PlanForm,
    StepForm,
    TargetForm,
)
from filiere.roadmaps.models import Action, Axis, Indicator, Objective, Plan

# --- Editing the plan --------------------------------------------------------------------------


# Model field → form field, where the forms name them differently (`core.forms.run_service`).
ERROR_FIELDS = {"owner_id": "owner_text", "owner_name": "owner_text", "partners": "partners_text"}


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = selectors.get_plan_for_user(request.user, pk)
    if not selectors.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _form_page(
    request: HttpRequest, *, form: forms.BaseForm, plan: Plan | None, title: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "plan": plan, "title": title, **extra}
    return render(request, "roadmaps/edit_form.html", context, status=400 if form.errors else 200)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_plan(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST":
        plan = run_service(
            form,
            lambda d: services.create_plan(
                user=request.user, partners=d["partners_text"], **form.service_fields()
            ),
            fields=ERROR_FIELDS,
        )
        if plan is not None:
            messages.success(request, _("Plan créé. Ajoutez maintenant ses axes, objectifs et actions."))
            return redirect("roadmaps:plan_structure", pk=plan.pk)
    return _form_page(request, form=form, plan=None, title=_("Nouveau plan"))


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = PlanForm(
        request.POST or None, instance=selectors.get_plan_for_user(request.user, pk), user=request.user
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_plan(
                user=request.user,
                plan=plan,
                fields=form.service_fields(),
                partners=d["partners_text"],
            ),
            fields=ERROR_FIELDS,
        )
        if saved is None:
            plan.refresh_from_db()
        else:
            messages.success(request, _("Plan mis à jour."))
            return redirect("roadmaps:plan_detail", pk=plan.pk)
    return _form_page(request, form=form, plan=plan, title=_("Modifier le plan"))


@login_required
def plan_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """The editors' view of the tree: add, edit, reorder and delete axes, objectives and actions."""
    plan = _editable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    template = "roadmaps/plan_structure.html"
    if request.htmx:
        template += "#structure"
    return render(request, template, {"plan": plan, "tree": tree})


@login_required
def axis_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = NodeForm(request.POST or None, with_kind=True, initial={"kind": plan.axis_kind})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = run_service(
            form,
            lambda _d: services.create_axis(
                user=request.user, plan=plan, title=data.pop("title"), fields=data
            ),
            fields=ERROR_FIELDS,
        )
        if saved is not None:
            messages.success(request, _("Axe ajouté."))
            return redirect("roadmaps:plan_structure", pk=plan.pk)
    return _form_page(request, form=form, plan=plan, title=_("Ajouter un axe"))


@login_required
def axis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    axis = selectors.get_axis_for_user(request.user, pk)
    plan = _editable_plan(request, axis.plan_id)
    initial = {"kind": axis.kind, "title": axis.title, "description": axis.description, "weight": axis.weight}
    form = NodeForm(request.POST or None, with_kind=True, initial=initial)
    if request.method == "POST":
        saved = run_service(
            form, lambda d: services.update_axis(user=request.user, axis=axis, fields=d), fields=ERROR_FIELDS
        )
        if saved is not None:
            messages.success(request, _("Axe mis à jour."))
            return redirect("roadmaps:plan_structure", pk=plan.pk)
    return _form_page(
        request, form=form, plan=plan, title=_("Modifier l'axe « %(title)s »") % {"title": axis.title}
    )


@login_required
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    axis = selectors.get_axis_for_user(request.user, pk)
    plan = _editable_plan(request, axis.plan_id)
    form = NodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = run_service(
            form,
            lambda _d: services.create_objective(
                user=request.user, axis=axis, title=data.pop("title"), fields=data
            ),
            fields=ERROR_FIELDS,
        )
        if saved is not None:
            messages.success(request, _("Objectif ajouté."))
            return redirect("roadmaps:plan_structure", pk=plan.pk)
    title = _("Ajouter un objectif à « %(title)s »") % {"title": axis.title}
    return _form_page(request, form=form, plan=plan, title=title)


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, pk)
    plan = _editable_plan(request, objective.axis.plan_id)
    initial = {"title": objective.title, "description": objective.description, "weight": objective.weight}
    form = NodeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_objective(user=request.user, objective=objective, fields=d),
            fields=ERROR_FIELDS,
        )
        if saved is not None:
            messages.success(request, _("Objectif mis à jour."))
            return redirect("roadmaps:plan_structure", pk=plan.pk)
    title = _("Modifier l'objectif « %(title)s »") % {"title": objective.title}
    return _form_page(request, form=form, plan=plan, title=title)


def _after_action_save(request: HttpRequest, form: ActionEditForm) -> None:
    if form.overspent:
        messages.warning(request, _("Attention : le budget consommé dépasse le budget prévu."))


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    objective = selectors.get_objective_for_user(request.user, pk)
    plan = _editable_plan(request, objective.axis.plan_id)
    form = ActionEditForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        action = run_service(
            form,
            lambda d: services.create_action(
                user=request.user,
                objective=objective,
                title=fields.pop("title"),
                fields=fields,
                partners=d["partners_text"],
                funders=d["funders_text"],
                indicators=d["indicators"],
            ),
            fields=ERROR_FIELDS,
        )
        if action is not None:
            messages.success(request, _("Action ajoutée."))
            _after_action_save(request, form)
            return redirect("roadmaps:action_edit", pk=action.pk)
    title = _("Ajouter une action à « %(title)s »") % {"title": objective.title}
    return _form_page(request, form=form, plan=plan, title=title, wide=True)


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of an action, its steps and its indicators (plan editors and porteur's editors)."""
    action = selectors.get_action_for_user(request.user, pk)
    if not selectors.can_edit_action(request.user, action):
        raise PermissionDenied
    plan = action.objective.axis.plan
    form = ActionEditForm(request.POST or None, plan=plan, action=action)
    step_form = StepForm(prefix="step")
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_action(
                user=request.user,
                action=action,
                fields=form.service_fields(),
                partners=d["partners_text"],
                funders=d["funders_text"],
                indicators=d["indicators"],
            ),
            fields=ERROR_FIELDS,
        )
        if saved is None:
            action = selectors.get_action_for_user(request.user, pk)
        else:
            messages.success(request, _("Action mise à jour."))
            _after_action_save(request, form)
            return redirect("roadmaps:action_edit", pk=action.pk)
    context = {
        "action": action,
        "plan": plan,
        "form": form,
        "step_form": step_form,
        "steps": action.steps.all(),
    }
    return render(request, "roadmaps/action_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.get_action_for_user(request.user, pk)
    if not selectors.can_edit_action(request.user, action):
        raise PermissionDenied
    step_form = StepForm(request.POST, prefix="step")
    if step_form.is_valid():
        saved = run_service(
            step_form, lambda d: services.add_step(user=request.user, action=action, **d), fields=ERROR_FIELDS
        )
        if saved is not None:
            messages.success(request, _("Étape ajoutée."))
            return redirect("roadmaps:action_edit", pk=action.pk)
    plan = action.objective.axis.plan
    context = {
        "action": action,
        "plan": plan,
        "form": ActionEditForm(plan=plan, action=action),
        "step_form": step_form,
        "steps": action.steps.all(),
    }
    return render(request, "roadmaps/action_edit.html", context, status=400)


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = IndicatorForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        indicator = run_service(
            form,
            lambda d: services.create_indicator(
                user=request.user,
                plan=plan,
                name=fields.pop("name"),
                fields=fields,
                actions=d["actions"],
                objectives=d["objectives"],
            ),
            fields=ERROR_FIELDS,
        )
        if indicator is not None:
            messages.success(request, _("Indicateur créé. Ajoutez ses cibles."))
            return redirect("roadmaps:indicator_edit", pk=indicator.pk)
    return _form_page(request, form=form, plan=plan, title=_("Nouvel indicateur"), wide=True)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's definition and its targets by date (plan editors)."""
    indicator = selectors.get_indicator_for_user(request.user, pk)
    plan = _editable_plan(request, indicator.plan_id)
    form = IndicatorForm(
        request.POST or None, instance=selectors.get_indicator_for_user(request.user, pk), plan=plan
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda d: services.update_indicator(
                user=request.user,
                indicator=indicator,
                fields=form.service_fields(),
                actions=d["actions"],
                objectives=d["objectives"],
            ),
            fields=ERROR_FIELDS,
        )
        if saved is not None:
            messages.success(request, _("Indicateur mis à jour."))
            return redirect("roadmaps:indicator_edit", pk=indicator.pk)
    return _indicator_edit_page(request, indicator, form, TargetForm(prefix="target"))


def _indicator_edit_page(
    request: HttpRequest, indicator: Indicator, form: IndicatorForm, target_form: TargetForm
) -> HttpResponse:
    context = {
        "indicator": indicator,
        "plan": indicator.plan,
        "form": form,
        "target_form": target_form,
        "targets": indicator.targets.all(),
    }
    status = 400 if form.errors or target_form.errors else 200
    return render(request, "roadmaps/indicator_edit.html", context, status=status)


@login_required
@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk)
    plan = _editable_plan(request, indicator.plan_id)
    target_form = TargetForm(request.POST, prefix="target")
    target = run_service(
        target_form,
        lambda d: services.set_indicator_target(user=request.user, indicator=indicator, **d),
        fields=ERROR_FIELDS,
        field="value",
    )
    if target is not None:
        messages.success(request, _("Cible enregistrée."))
        return redirect("roadmaps:indicator_edit", pk=indicator.pk)
    return _indicator_edit_page(request, indicator, IndicatorForm(instance=indicator, plan=plan), target_form)


# Delete and move: one view each for every kind of node, by the URL's `kind`.
NODE_GETTERS = {
    "axe": selectors.get_axis_for_user,
    "objectif": selectors.get_objective_for_user,
    "action": selectors.get_action_for_user,
    "etape": selectors.get_step_for_user,
    "indicateur": selectors.get_indicator_for_user,
    "cible": selectors.get_target_for_user,
    "valeur": selectors.get_value_for_user,
}


def _node_for_editor(request: HttpRequest, kind: str, pk: int) -> Any:
    getter = NODE_GETTERS.get(kind)
    if getter is None:
        raise Http404
    node = getter(request.user, pk)
    plan = services.plan_of(node)
    # Steps of an action may be edited by its porteur's editors; the rest is the plan's editors'.
    if kind == "etape":
        allowed = selectors.can_edit_action(request.user, node.action)
    elif kind == "valeur":  # whoever may enter a value may take back a wrong one
        allowed = selectors.can_edit_indicator(request.user, node.indicator)
    else:
        allowed = selectors.can_edit_plan(request.user, plan)
    if not allowed:
        raise PermissionDenied
    return node


def _back_url(kind: str, node: Any) -> str:
    if kind == "etape":
        return reverse("roadmaps:action_edit", args=[node.action_id])
    if kind == "cible":
        return reverse("roadmaps:indicator_edit", args=[node.indicator_id])
    if kind == "valeur":
        return reverse("roadmaps:indicator_detail", args=[node.indicator_id])
    if kind == "indicateur":
        return reverse("roadmaps:plan_detail", args=[node.plan_id]) + "#indicateurs"
    return reverse("roadmaps:plan_structure", args=[services.plan_of(node).pk])


@login_required
def node_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET: what would be deleted, and a confirmation button; POST: delete it."""
    node = _node_for_editor(request, kind, pk)
    back = _back_url(kind, node)
    if request.method == "POST":
        label = str(node)
        services.delete_node(user=request.user, obj=node)
        messages.success(request, _("« %(label)s » supprimé.") % {"label": label})
        return redirect(back)
    counts = []
    if isinstance(node, Axis):
        counts = [
            ngettext("%(n)d objectif", "%(n)d objectifs", n) % {"n": n}
            for n in [node.objectives.count()]
            if n
        ] + [
            ngettext("%(n)d action", "%(n)d actions", n) % {"n": n}
            for n in [Action.objects.filter(objective__axis=node).count()]
            if n
        ]
    elif isinstance(node, Objective):
        counts = [
            ngettext("%(n)d action", "%(n)d actions", n) % {"n": n} for n in [node.actions.count()] if n
        ]
    elif isinstance(node, Indicator):
        counts = [
            ngettext("%(n)d valeur mesurée", "%(n)d valeurs mesurées", n) % {"n": n}
            for n in [node.values.count()]
            if n
        ]
    context = {"node": node, "plan": services.plan_of(node), "counts": counts, "back": back}
    return render(request, "roadmaps/node_delete.html", context)


@login_required
@require_POST
def node_move(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Move a node one place up or down; an HTMX request gets the structure back, others a redirect."""
    node = _node_for_editor(request, kind, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Sens de déplacement inconnu."))
    services.move_node(user=request.user, obj=node, direction=direction)
    plan = services.plan_of(node)
    if request.htmx and kind in ("axe", "objectif", "action"):
        tree = selectors.plan_tree(plan)
        return render(request, "roadmaps/plan_structure.html#structure", {"plan": plan, "tree": tree})
    return redirect(_back_url(kind, node))
