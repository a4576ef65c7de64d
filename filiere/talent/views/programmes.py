"""Pages of the programme pipeline: the talent home, a programme and its cohorts, the dashboard with
its charts, a cohort's files and one file (moves and outcomes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filiere.core.charts import Bar, BarGroup, bar_chart, grouped_bar_svg
from filiere.core.forms import run_service
from filiere.core.params import parse_int

from .. import selectors, services
from ..forms import (
    CohortForm,
    MoveForm,
    OpenFileForm,
    OutcomeForm,
)
from ..models import (
    FileState,
)

if TYPE_CHECKING:
    pass


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "own": selectors.own_seeker(request.user),
        "programmes": list(selectors.programmes_for_user(request.user).select_related("region")),
        "is_adviser": selectors.is_adviser(request.user),
        "can_create_seeker": bool(selectors.seeker_structures_for(request.user)),
        "offer_count": selectors.open_offers().count(),
    }
    return render(request, "talent/home.html", context)


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    can_manage = selectors.can_manage_programme(request.user, programme)
    form = CohortForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        cohort = run_service(form, lambda data: services.create_cohort(programme=programme, **data))
        if cohort is not None:
            messages.success(request, _("Promotion créée."))
            return redirect("talent:cohort_detail", cohort.pk)
    cohorts = [(c, selectors.file_counts(c)) for c in programme.cohorts.all()]
    context = {"programme": programme, "cohorts": cohorts, "form": form, "can_manage": can_manage}
    return render(request, "talent/programme_detail.html", context, status=400 if form.errors else 200)


def _outcome_chart(uid: str, title: str, rows: list[Any], horizons: list[int]) -> Any:
    """Back-to-work rates at each horizon for each row of a dashboard table, with the situations
    still unknown written after each bar; the table that follows the chart holds every number."""
    groups = []
    for fig in rows:
        notes = []
        for follow in fig.outcomes:
            parts = []
            if follow.due_unknown:
                parts.append(
                    ngettext("%(n)s inconnue", "%(n)s inconnues", follow.due_unknown)
                    % {"n": follow.due_unknown}
                )
            if follow.not_yet_due:
                parts.append(
                    ngettext("%(n)s à venir", "%(n)s à venir", follow.not_yet_due) % {"n": follow.not_yet_due}
                )
            notes.append(", ".join(parts))
        groups.append(BarGroup(fig.label, [f.rate for f in fig.outcomes], notes))
    return grouped_bar_svg(
        title=title,
        description=_(
            "Part des personnes formées en emploi parmi les situations connues, à chaque échéance, "
            "avec le nombre de situations inconnues ; les chiffres figurent dans le tableau qui suit."
        ),
        groups=groups,
        series_labels=[_("%(m)s mois") % {"m": m} for m in horizons],
        unit="%",
        max_value=100,
        missing_text=_("aucune connue"),
        uid=f"chart-{uid}",
    )


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    year = parse_int(request.GET.get("annee", ""), minimum=1000, maximum=9999)
    board = selectors.programme_dashboard(programme, year=year)
    years = sorted(set(programme.cohorts.values_list("year", flat=True)))
    horizons = [f.months for f in board.total.outcomes]
    files_chart = bar_chart(
        title=_("Dossiers par année"),
        description=_("Nombre de dossiers ouverts par année de promotion."),
        bars=[Bar(f.label, f.files) for f in board.by_year],
        table_caption=_("Dossiers par année"),
        label_heading=_("Année"),
        value_heading=_("Dossiers"),
        missing_text=_("Pas encore de dossier."),
        label_width=80,
        width=560,
        uid="chart-files",
    )
    sections = [
        (
            "by-cohort",
            _("Par promotion"),
            _("Retour à l'emploi à 3, 6 et 12 mois par promotion"),
            board.by_cohort,
        ),
        ("by-year", _("Par année"), _("Retour à l'emploi à 3, 6 et 12 mois par année"), board.by_year),
        ("by-gender", _("Par genre"), _("Retour à l'emploi à 3, 6 et 12 mois par genre"), board.by_gender),
        (
            "by-age",
            _("Par tranche d'âge"),
            _("Retour à l'emploi à 3, 6 et 12 mois par tranche d'âge"),
            board.by_age,
        ),
        (
            "by-department",
            _("Par département"),
            _("Retour à l'emploi à 3, 6 et 12 mois par département"),
            board.by_department,
        ),
    ]
    outcome_sections = [
        {
            "id": tid,
            "caption": caption,
            "title": title,
            "rows": rows,
            "chart": _outcome_chart(tid, title, rows, horizons),
        }
        for tid, caption, title, rows in sections
    ]
    situations = [
        (label, [dict(board.situations[m])[label] for m in horizons])
        for label, _n in board.situations[horizons[0]]
    ]
    context = {
        "programme": programme,
        "board": board,
        "files_chart": files_chart,
        "sections": outcome_sections,
        "years": years,
        "year": year,
        "horizons": horizons,
        "situations": situations,
    }
    return render(request, "talent/dashboard.html", context)


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.get_cohort_for_user(request.user, pk)
    can_manage = selectors.can_manage_programme(request.user, cohort.programme)
    already = set(cohort.files.values_list("seeker_id", flat=True))
    candidates = [s for s in selectors.advisers_seekers(request.user, limit=500) if s.pk not in already]
    form = OpenFileForm(request.POST or None, seekers=candidates)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            seeker = selectors.get_seeker_for_user(
                request.user, form.cleaned_data["seeker"], what="ouverture de dossier"
            )
            file = run_service(
                form, lambda _data: services.open_file(cohort=cohort, seeker=seeker, by=request.user)
            )
            if file is not None:
                messages.success(request, _("Dossier ouvert."))
                return redirect("talent:file_detail", file.pk)
    files = list(selectors.cohort_files(cohort, request.user))
    services.log_accesses(seekers=[f.seeker for f in files], user=request.user, what=f"promotion {cohort.pk}")
    context = {
        "cohort": cohort,
        "files": files,
        "form": form,
        "can_manage": can_manage,
        "counts": selectors.file_counts(cohort),
    }
    return render(request, "talent/cohort_detail.html", context, status=400 if form.errors else 200)


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk)
    can_manage = selectors.can_manage_programme(request.user, file.cohort.programme)
    move_form = MoveForm(
        request.POST if request.POST.get("action") == "move" else None, next_states=file.next_states
    )
    outcome_form = OutcomeForm(request.POST if request.POST.get("action") == "outcome" else None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if request.POST.get("action") == "move":
            moved = run_service(
                move_form,
                lambda d: services.move_file(
                    file=file, to_state=d["to_state"], by=request.user, reason=d["reason"], on=d["on"]
                ),
            )
            if moved is not None:
                messages.success(request, _("État du dossier : %s.") % FileState(file.state).label)
                return redirect("talent:file_detail", file.pk)
        else:
            outcome = run_service(
                outcome_form, lambda d: services.record_outcome(file=file, by=request.user, **d)
            )
            if outcome is not None:
                messages.success(request, _("Situation enregistrée."))
                return redirect("talent:file_detail", file.pk)
        status = 400
    context = {
        "file": file,
        "seeker": file.seeker,
        "transitions": file.transitions.select_related("by"),
        "outcomes": file.outcomes.all(),
        "move_form": move_form,
        "outcome_form": outcome_form,
        "can_manage": can_manage,
    }
    return render(request, "talent/file_detail.html", context, status=status)
