"""Pages of the training offer: search, course, entry forms, import, map, reconversion paths."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.models import ImportRun
from filiere.territories.maps import choropleth_svg
from filiere.territories.selectors import region_list

from . import selectors, services
from .exports import FORMATS, export_offer_map
from .forms import CourseForm, CourseSearchForm, GroupForm, ImportForm, ReconversionForm, SessionForm
from .importers import TrainingFormatError, training_runs
from .models import Course, Session
from .reconversion import UnknownOccupation, group_reconversion, reconversion_path


def course_search(request: HttpRequest) -> HttpResponse:
    form = CourseSearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    results = selectors.search_courses(request.user, filters)
    context = {
        "form": form,
        "filters": filters,
        "results": results,
        "regions": region_list(),
        "can_add": bool(selectors.training_bodies_editable_by(request.user).exists()),
        "can_import": selectors.can_import_training(request.user),
    }
    template = (
        "training/course_search.html#results"
        if request.headers.get("HX-Request")
        else "training/course_search.html"
    )
    return render(request, template, context)


def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    context = {
        "course": course,
        "sessions": selectors.course_sessions(course),
        "skills": selectors.course_skills(course),
        "can_edit": selectors.can_edit_course(request.user, course),
        "funding_labels": dict(selectors.funding_choices()),
    }
    return render(request, "training/course_detail.html", context)


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    bodies = selectors.training_bodies_editable_by(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = CourseForm(request.POST or None, organisations=bodies)
    if request.method == "POST" and form.is_valid():
        course = services.create_course(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Formation enregistrée."))
        return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    if not selectors.can_edit_course(request.user, course):
        raise PermissionDenied
    # The form edits a copy so a refused change never shows as saved on the page.
    form = CourseForm(
        request.POST or None,
        instance=Course.objects.get(pk=course.pk),
        organisations=selectors.training_bodies_editable_by(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CourseForm.Meta.fields}
        services.update_course(user=request.user, course=course, data=data)
        messages.success(request, _("Formation enregistrée."))
        return redirect("training:course_detail", course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@login_required
def session_edit(request: HttpRequest, pk: int, session_pk: int | None = None) -> HttpResponse:
    course = selectors.get_course_for_user(request.user, pk)
    if not selectors.can_edit_course(request.user, course):
        raise PermissionDenied
    session = Session(course=course)
    if session_pk is not None:
        found = selectors.get_session_for_user(request.user, session_pk)
        if found.course_id != course.pk:
            raise Http404
        session = Session.objects.get(pk=found.pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.save_session(
            user=request.user, course=course, session=form.save(commit=False), commune=form.commune
        )
        messages.success(request, _("Session enregistrée."))
        return redirect("training:course_detail", course.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course, "session": session})


@login_required
def import_offer(request: HttpRequest) -> HttpResponse:
    """Upload of an offer file: checked in the request (size, format, first bytes), then imported
    by the task worker (`services.queue_training_import`); the POST redirects here with the run,
    whose state the page shows (polled every 5 s while queued or running), then its report."""
    if not selectors.can_import_training(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            run = services.queue_training_import(
                user=request.user, upload=form.cleaned_data["file"], fmt=form.cleaned_data["format"]
            )
        except TrainingFormatError as exc:
            error = str(exc)
        else:
            return redirect(f"{reverse('training:import')}?run={run.pk}")
    shown = request.GET.get("run")
    shown_run = selectors.get_training_run_for_user(request.user, shown) if shown else None
    runs = list(training_runs(5))
    waiting = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
    context = {
        "form": form,
        "error": error,
        "run": shown_run,
        "runs": runs,
        "waiting": [s.value for s in waiting],
        "polling": any(r.status in waiting for r in [*runs, *([shown_run] if shown_run else [])]),
    }
    template = "training/import.html#status" if request.headers.get("HX-Request") else "training/import.html"
    return render(request, template, context)


def offer_map(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    regions = list(region_list())
    if region and region not in {r.code for r in regions}:
        region = ""
    table = selectors.offer_map(region_code=region or None)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        content_type, extension = FORMATS[fmt]
        response = HttpResponse(export_offer_map(table, fmt), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="carte-offre-formation{"-" + region if region else ""}.{extension}"'
        )
        return response
    codes = [code for code, _label in table.departments]
    context = {
        "table": table,
        "rows": [
            (label, [table.cells.get((family, code), 0) for code in codes], table.row_totals.get(family, 0))
            for family, label in table.families
        ],
        "footer": [table.column_totals.get(code, 0) for code in codes],
        "region": region,
        "regions": regions,
        "map_svg": _map_svg(table),
    }
    return render(request, "training/offer_map.html", context)


def _map_svg(table: selectors.OfferMap) -> Any:
    """Places per department as a choropleth (the table below carries the same figures)."""

    values = {code: float(total) for code, total in table.column_totals.items() if code}
    if not values:
        return ""
    try:
        return choropleth_svg(
            values,
            level="department",
            title=_("Places de formation prévues sur 12 mois"),
            unit=_("places"),
            uid="training-map",
            table_id="offer-map-table",
        )
    except Exception:  # noqa: BLE001 — outlines not loaded: the table alone still says everything.
        return ""


def reconversion(request: HttpRequest) -> HttpResponse:
    form = ReconversionForm(request.GET or None) if "occupation" in request.GET else ReconversionForm()
    from .demo import OCCITANIE_AERONAUTICS_GROUP

    # Pre-filled with the Occitanie case of the seeds (aeronautics engineers and technicians).
    initial = {
        "group": "\n".join(f"{code};{people}" for code, people in OCCITANIE_AERONAUTICS_GROUP),
        "region": "76",
        "only_in_demand": True,
    }
    group_form = GroupForm(request.POST or None, initial=initial)
    path = group = None
    if form.is_bound and form.is_valid():
        try:
            path = reconversion_path(
                form.cleaned_data["occupation"],
                region_code=form.cleaned_data["region"] or None,
                only_in_demand=form.cleaned_data["only_in_demand"],
            )
        except UnknownOccupation as exc:
            form.add_error("occupation", str(exc))
    if request.method == "POST" and group_form.is_valid():
        group = group_reconversion(
            group_form.cleaned_data["group"],
            region_code=group_form.cleaned_data["region"] or None,
            only_in_demand=group_form.cleaned_data["only_in_demand"],
        )
    context = {"form": form, "group_form": group_form, "path": path, "group": group, "regions": region_list()}
    return render(request, "training/reconversion.html", context)
