"""Pages that set a cluster up: a college (name and statutes, admission rules, fee grid with a
pro rata preview, officers) and a merger (its associations, date and college mapping). The
board does everything; a college's officers set their own college's rules and fee grid."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts.models import User
from filiere.core.forms import run_service
from filiere.governance import selectors, services
from filiere.governance.forms import (
    CollegeForm,
    FeeBandForm,
    FeePreviewForm,
    MergerForm,
    OfficerForm,
    RulesForm,
)
from filiere.governance.models import FeeBand, FeeBasis, Merger, MergerStatus
from filiere.governance.services import setup
from filiere.organisations.models import College, Organisation


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _board_college(request: HttpRequest, pk: int) -> College:
    """A college whose statutes or officers are being changed: the board only (403 else)."""
    college = selectors.get_college_for_setup(request.user, pk)
    if not selectors.is_board(request.user, college.cluster_id):
        raise PermissionDenied
    return college


def _context(request: HttpRequest, college: College, **extra: object) -> dict[str, object]:
    return {
        "college": college,
        "board": selectors.is_board(request.user, college.cluster_id),
        **extra,
    }


@login_required
def college_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster_for_board(request.user, pk)
    form = CollegeForm(request.POST or None, initial={"board_seats": 0, "vote_weight": 1})
    if request.method == "POST":
        college = run_service(form, lambda d: setup.create_college(cluster=cluster, by=_user(request), **d))
        if college is not None:
            messages.success(
                request, _("Collège créé : fixez ses règles d'adhésion et sa grille de cotisation.")
            )
            return redirect("governance:college_rules", college.pk)
    return render(request, "governance/setup/college_form.html", {"cluster": cluster, "form": form})


@login_required
def college_edit(request: HttpRequest, pk: int) -> HttpResponse:
    college = _board_college(request, pk)
    rules = services.rules_of(college)
    initial = {
        "name": college.name,
        "description": college.description,
        "board_seats": rules.board_seats,
        "vote_weight": rules.vote_weight,
    }
    form = CollegeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if run_service(form, lambda d: setup.update_college(college=college, by=_user(request), **d)):
            messages.success(request, _("Collège enregistré."))
            return redirect("governance:college_edit", college.pk)
    context = _context(request, college, cluster=college.cluster, form=form, tab="edit")
    return render(request, "governance/setup/college_form.html", context)


@login_required
def college_rules(request: HttpRequest, pk: int) -> HttpResponse:
    college = selectors.get_college_for_setup(request.user, pk)
    rules = services.rules_of(college)
    initial = {
        "naf_prefixes": ", ".join(rules.naf_prefixes),
        "headcount_bands": rules.headcount_bands,
        "kinds": rules.kinds,
        "accepts_people": rules.accepts_people,
        "approval_required": rules.approval_required,
        "grace_days": rules.grace_days,
    }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if run_service(form, lambda d: setup.save_rules(college=college, by=_user(request), **d)):
            messages.success(request, _("Règles d'adhésion enregistrées."))
            return redirect("governance:college_rules", college.pk)
    context = _context(request, college, form=form, rules=rules, tab="rules")
    return render(request, "governance/setup/college_rules.html", context, status=400 if form.errors else 200)


@login_required
def college_fees(request: HttpRequest, pk: int) -> HttpResponse:
    """The fee grid: its bands, a form to add one, and what a member would pay (pro rata)."""
    college = selectors.get_college_for_setup(request.user, pk)
    bands = list(college.fee_bands.all())
    form = FeeBandForm(
        request.POST or None, initial={"basis": bands[0].basis if bands else FeeBasis.HEADCOUNT}
    )
    if request.method == "POST":
        if run_service(form, lambda d: setup.add_fee_band(college=college, by=_user(request), **d)):
            messages.success(request, _("Tranche ajoutée à la grille."))
            return redirect("governance:college_fees", college.pk)
    preview = FeePreviewForm(request.GET if "value" in request.GET else None)
    simulated = None
    if preview.is_bound and preview.is_valid() and bands:
        simulated = setup.simulate_fee(
            bands, preview.cleaned_data["value"], preview.cleaned_data["joined_on"]
        )
    context = _context(
        request,
        college,
        bands=bands,
        form=form,
        preview=preview,
        simulated=simulated,
        year=timezone.localdate().year,
        tab="fees",
    )
    return render(request, "governance/setup/college_fees.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def fee_band_delete(request: HttpRequest, pk: int, band_pk: int) -> HttpResponse:
    college = selectors.get_college_for_setup(request.user, pk)
    band = FeeBand.objects.filter(college=college, pk=band_pk).first()
    if band is not None:
        setup.delete_fee_band(band=band, by=_user(request))
        messages.success(request, _("Tranche retirée de la grille."))
    return redirect("governance:college_fees", college.pk)


@login_required
def college_officers(request: HttpRequest, pk: int) -> HttpResponse:
    college = _board_college(request, pk)
    form = OfficerForm(request.POST or None)
    if request.method == "POST":
        officer = run_service(
            form, lambda d: setup.add_officer(college=college, by=_user(request), email=d["email"])
        )
        if officer is not None:
            messages.success(request, _("%(email)s est responsable du collège.") % {"email": officer.email})
            return redirect("governance:college_officers", college.pk)
    officers = services.rules_of(college).officers.order_by("last_name", "email")
    context = _context(request, college, form=form, officers=officers, tab="officers")
    return render(
        request, "governance/setup/college_officers.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def officer_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    college = _board_college(request, pk)
    setup.remove_officer(college=college, by=_user(request), user_id=user_pk)
    messages.success(request, _("Responsable retiré."))
    return redirect("governance:college_officers", college.pk)


@login_required
def merger_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster_for_board(request.user, pk)
    form = MergerForm(
        request.POST or None,
        candidates=selectors.merger_candidates(cluster),
        colleges=College.objects.filter(cluster=cluster),
        associations=[],
    )
    if request.method == "POST":
        merger = run_service(
            form,
            lambda d: setup.create_merger(
                cluster=cluster,
                by=_user(request),
                predecessors=list(d["predecessors"]),
                effective_on=d["effective_on"],
            ),
        )
        if merger is not None:
            messages.success(
                request, _("Fusion préparée : choisissez le collège des membres de chaque association.")
            )
            return redirect("governance:merger_edit", merger.pk)
    context = {"cluster": cluster, "form": form, "merger": None}
    return render(request, "governance/setup/merger_form.html", context, status=400 if form.errors else 200)


@login_required
def merger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    merger: Merger = selectors.get_merger_for_user(request.user, pk)
    if merger.status != MergerStatus.DRAFT:
        messages.info(request, _("La fusion est déjà réalisée."))
        return redirect("governance:merger", pk)
    current = list(merger.predecessors.order_by("name"))
    candidates = Organisation.objects.filter(
        Q(pk__in=selectors.merger_candidates(merger.cluster).values("pk")) | Q(pk__in=[a.pk for a in current])
    ).order_by("name")
    initial: dict[str, object] = {"predecessors": current, "effective_on": merger.effective_on}
    for association in current:
        initial[f"college_{association.pk}"] = merger.college_map.get(str(association.pk))
    form = MergerForm(
        request.POST or None,
        initial=initial,
        candidates=candidates,
        colleges=College.objects.filter(cluster_id=merger.cluster_id),
        associations=current,
    )
    if request.method == "POST":
        if run_service(
            form,
            lambda d: setup.update_merger(
                merger=merger,
                by=_user(request),
                predecessors=list(d["predecessors"]),
                effective_on=d["effective_on"],
                college_map=form.college_map(),
            ),
        ):
            messages.success(request, _("Fusion enregistrée."))
            return redirect("governance:merger", merger.pk)
    context = {"cluster": merger.cluster, "form": form, "merger": merger}
    return render(request, "governance/setup/merger_form.html", context, status=400 if form.errors else 200)
