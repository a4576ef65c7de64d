"""Pages of the talent app: advisers' programmes, cohorts, files and dashboard; people, their
matches, skill gaps and personal data; job offers and applications."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from filiere.accounts import permissions
from filiere.core.charts import Bar, BarGroup, bar_chart, grouped_bar_svg
from filiere.core.forms import run_service, service_messages
from filiere.core.params import parse_int

from . import selectors, services
from .forms import (
    ApplicationMoveForm,
    ApplyForm,
    CohortForm,
    MoveForm,
    OfferEditForm,
    OfferForm,
    OpenFileForm,
    OutcomeForm,
    SeekerForm,
    appellation_choice,
    commune_choice,
)
from .models import (
    CANDIDATE_MOVES,
    COMPANY_MOVES,
    AgeBand,
    ApplicationStatus,
    ConsentPurpose,
    FileState,
    OfferStatus,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "own": selectors.own_seeker(request.user),
        "programmes": list(selectors.programmes_for_user(request.user).select_related("region")),
        "is_adviser": selectors.is_adviser(request.user),
        "can_create_seeker": bool(selectors.seeker_structures_for(request.user)),
        "offer_count": selectors.open_offers().count(),
    }
    return render(request, "talent/home.html", context)


# -- programmes ------------------------------------------------------------------------------


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


# -- people ----------------------------------------------------------------------------------


@login_required
def seeker_list(request: HttpRequest) -> HttpResponse:
    if not selectors.is_adviser(request.user):
        raise Http404
    q = request.GET.get("q", "")[:100]
    page = selectors.advisers_seekers_page(
        request.user, q=q, page=request.GET.get("page"), what="liste des personnes"
    )
    context = {
        "page": page,
        "seekers": page.object_list,
        "q": q,
        "page_prefix": "?" + urlencode({"q": q, "page": ""}) if q else "?page=",
        "can_create": bool(selectors.seeker_structures_for(request.user)),
    }
    return render(request, "talent/seeker_list.html", context)


@login_required
def seeker_create(request: HttpRequest) -> HttpResponse:
    structures = selectors.seeker_structures_for(request.user)
    if not structures:
        raise Http404
    form = SeekerForm(request.POST or None, structures=structures)
    structure = structures[0]
    if request.method == "POST" and form.is_valid():
        structure = form.cleaned_data.get("structure") or structure
        seeker = run_service(
            form,
            lambda _data: services.save_seeker(
                structure=structure, by=request.user, adviser=request.user, **form.service_kwargs()
            ),
            fields=SeekerForm.SERVICE_FIELDS,
        )
        if seeker is not None:
            for purpose in request.POST.getlist("consents"):
                if purpose in ConsentPurpose.values:
                    services.set_consent(seeker=seeker, purpose=purpose, given=True, by=request.user)
            messages.success(request, _("Profil créé."))
            return redirect("talent:seeker_detail", seeker.pk)
    shown = structures[0] if len(structures) == 1 else None  # else chosen in the form
    context = {"form": form, "structure": shown, "purposes": ConsentPurpose.choices}
    return render(request, "talent/seeker_form.html", context, status=400 if form.errors else 200)


@login_required
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.get_seeker_for_user(request.user, pk, what="profil")
    if request.method == "POST" and request.POST.get("action") == "consent":
        purpose = request.POST.get("purpose", "")
        try:
            services.set_consent(
                seeker=seeker, purpose=purpose, given=request.POST.get("given") == "1", by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(service_messages(exc)))
        return redirect("talent:seeker_detail", seeker.pk)
    purposes = selectors.active_purposes(seeker)
    matches = selectors.best_offers_for_seeker(seeker, limit=10) if not seeker.anonymised_at else []
    context = {
        "seeker": seeker,
        "consents": [(value, label, value in purposes) for value, label in ConsentPurpose.choices],
        "matches": matches,
        "files": seeker.files.select_related("cohort__programme"),
        "applications": seeker.applications.select_related("offer__organisation"),
        "logs": selectors.access_log(seeker, limit=20),
        "is_self": seeker.user_id == request.user.pk,
        "can_erase": seeker.user_id == request.user.pk or permissions.may_erase_person(request.user, seeker),
        "reach": list(seeker.reach.values_list("department_code", flat=True)),
        "age_label": AgeBand(seeker.age_band).label,
    }
    return render(request, "talent/seeker_detail.html", context)


@login_required
def seeker_export(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.get_seeker_for_user(request.user, pk, what="export des données")
    data = selectors.export_seeker_data(seeker)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{seeker.pk}.json"'
    return response


@login_required
@require_POST
def seeker_erase(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.get_seeker_for_user(request.user, pk, what="effacement")
    is_self = seeker.user_id == request.user.pk
    if not is_self and not permissions.may_erase_person(request.user, seeker):
        raise PermissionDenied
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Cochez la case de confirmation pour effacer ces données."))
        return redirect("talent:seeker_detail", seeker.pk)
    services.erase_seeker(seeker=seeker, by=request.user)
    messages.success(
        request, _("Les données personnelles ont été effacées ; les statistiques anonymes sont conservées.")
    )
    return redirect("talent:home" if is_self else "talent:seeker_list")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    seeker = selectors.own_seeker(request.user)
    if seeker is None:
        raise Http404
    return redirect("talent:seeker_detail", seeker.pk)


@login_required
def gap(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    seeker = selectors.get_seeker_for_user(request.user, pk, what="écart de compétences")
    offer = selectors.get_offer_for_user(request.user, offer_pk)
    context = {"seeker": seeker, "offer": offer, "gap": selectors.skill_gap(seeker, offer)}
    return render(request, "talent/gap.html", context)


# -- pickers --------------------------------------------------------------------------------


def _typed(request: HttpRequest) -> str:
    """What the person typed in the picker (sent under the field's name, see SuggestInput)."""
    return request.GET.get(request.GET.get("field", ""), request.GET.get("q", ""))[:200]


@login_required
@require_GET
def suggest_communes(request: HttpRequest) -> HttpResponse:
    """<option>s for a commune picker: "Strasbourg (67482)", biggest first."""
    from filiere.territories.selectors import commune_search

    communes = commune_search(query=_typed(request), limit=12)
    values = [commune_choice(c) for c in communes if c.kind == "commune-actuelle" or c.code.isdigit()]
    return render(request, "talent/suggestions.html", {"values": values})


@login_required
@require_GET
def suggest_appellations(request: HttpRequest) -> HttpResponse:
    """<option>s for a ROME appellation picker, for the last of the « ; »-separated values."""
    from filiere.taxonomy.selectors import appellation_search

    typed = _typed(request)
    before, _sep, last = typed.rpartition(";")
    prefix = f"{before.strip()} ; " if before.strip() else ""
    found = appellation_search(query=last, limit=12) if len(last.strip()) >= 2 else []
    values = [prefix + appellation_choice(code, label) for code, label in found]
    return render(request, "talent/suggestions.html", {"values": values})


# -- offers ----------------------------------------------------------------------------------


def offer_list(request: HttpRequest) -> HttpResponse:
    offers = selectors.open_offers()
    department = request.GET.get("departement", "")[:3]
    if department.isalnum():
        offers = offers.filter(department_code=department)
    return render(request, "talent/offer_list.html", {"offers": offers[:200], "department": department})


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.get_offer_for_user(request.user, pk)
    can_edit = selectors.can_edit_offer(request.user, offer)
    adviser = selectors.is_adviser(request.user)
    seekers = selectors.advisers_seekers(request.user, limit=500) if adviser else []
    form = ApplyForm(request.POST or None, seekers=seekers)
    if request.method == "POST":
        if not adviser:
            raise PermissionDenied
        if form.is_valid():
            seeker = selectors.get_seeker_for_user(
                request.user, form.cleaned_data["seeker"], what="candidature"
            )
            application = run_service(
                form,
                lambda d: services.apply(seeker=seeker, offer=offer, by=request.user, message=d["message"]),
            )
            if application is not None:
                messages.success(request, _("Candidature envoyée."))
                return redirect("talent:offer_detail", offer.pk)
    candidates = (
        selectors.best_candidates_for_offer(offer, viewer=request.user, limit=10)
        if (can_edit or adviser)
        else []
    )
    for match in candidates:
        services.log_access(seeker=match.seeker, user=request.user, what=f"candidats de l'offre {offer.pk}")
    context = {"offer": offer, "can_edit": can_edit, "adviser": adviser, "form": form, "candidates": candidates,
               "skills": selectors.engine.skill_labels(offer.skill_ids),
               "application_count": offer.applications.count() if can_edit else 0}  # fmt: skip
    return render(request, "talent/offer_detail.html", context, status=400 if form.errors else 200)


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    # Only the companies the user edits themselves: staff do not publish in a company's name.
    organisations = list(permissions.organisations_with_role(request.user).order_by("name")[:50])
    if not organisations:
        raise Http404
    form = OfferForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        offer = _save_offer(form, organisation=form.cleaned_data["organisation"], user=request.user)
        if offer is not None:
            messages.success(request, _("Offre publiée."))
            return redirect("talent:offer_detail", offer.pk)
    context = {"form": form, "organisation": organisations[0] if len(organisations) == 1 else None}
    return render(request, "talent/offer_form.html", context, status=400 if form.errors else 200)


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An offer's editors change it (skills and occupation are found again), or close it."""
    offer = selectors.get_offer_for_user(request.user, pk)
    if not selectors.can_edit_offer(request.user, offer):
        raise PermissionDenied  # the offer is visible (open) to them: refused, not hidden
    form = OfferEditForm(request.POST or None, initial=OfferEditForm.initial_for(offer))
    if request.method == "POST" and form.is_valid():
        if _save_offer(form, organisation=offer.organisation, user=request.user, offer=offer) is not None:
            messages.success(request, _("Offre enregistrée."))
            return redirect("talent:offer_detail", offer.pk)
    context = {"form": form, "organisation": offer.organisation, "offer": offer}
    return render(request, "talent/offer_form.html", context, status=400 if form.errors else 200)


def _save_offer(form: OfferForm, *, organisation: Any, user: User, offer: Any = None) -> Any:
    """Save a valid offer form through the service; None, with the errors on the form, if refused."""
    return run_service(
        form,
        lambda d: services.save_offer(
            organisation=organisation,
            by=user,
            title=d["title"],
            description=d["description"],
            commune_code=d["commune_code"],
            contract=d["contract"],
            positions=d["positions"],
            rome_appellation_code=d["rome_appellation"],
            status=d.get("status") or (offer.status if offer else OfferStatus.OPEN),
            offer=offer,
        ),
        fields={"commune": "commune_code"},
    )


# -- job applications: the company's side ----------------------------------------------------


def _application_list(request: HttpRequest, applications: Any, *, offer: Any, what: str) -> HttpResponse:
    status = request.GET.get("statut", "")
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    for value in applications.values_list("status", flat=True).order_by():
        counts[value] += 1
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    shown = list(applications[:200])
    services.log_accesses(seekers=[a.seeker for a in shown], user=request.user, what=what)
    context = {
        "offer": offer,
        "applications": shown,
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in ApplicationStatus.choices],
        "total": sum(counts.values()),
    }
    return render(request, "talent/application_list.html", context)


@login_required
def application_inbox(request: HttpRequest) -> HttpResponse:
    """Every application to the offers of the companies the person edits (their inbox)."""
    if not permissions.organisations_with_role(request.user).exists():
        raise PermissionDenied  # names no object: refused, not hidden
    return _application_list(
        request, selectors.applications_received(request.user), offer=None, what="candidatures reçues"
    )


@login_required
def offer_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """The applications to one offer, for its company's editors."""
    offer = selectors.get_offer_for_user(request.user, pk)
    if not selectors.can_edit_offer(request.user, offer):
        raise PermissionDenied  # the offer is visible (open) to them: refused, not hidden
    applications = selectors.applications_received(request.user).filter(offer=offer)
    return _application_list(request, applications, offer=offer, what=f"candidatures de l'offre {offer.pk}")


def _moves_for(user: Any, application: Any) -> tuple[str, ...]:
    """The statuses `user` may move `application` to now (their side of the state machine)."""
    mine: set[str] = set()
    if permissions.may_answer_application(user, application):
        mine |= COMPANY_MOVES
    if permissions.may_withdraw_application(user, application):
        mine |= CANDIDATE_MOVES
    return tuple(s for s in application.next_statuses if s in mine)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application, its history and, for whoever may move it, the next statuses."""
    application = selectors.get_application_for_user(request.user, pk)
    moves = _moves_for(request.user, application)
    form = ApplicationMoveForm(request.POST or None, statuses=moves)
    if request.method == "POST":
        to_status = request.POST.get("to_status", "")
        if to_status in application.next_statuses and to_status not in moves:
            raise PermissionDenied  # a legal move, but the other side's
        moved = run_service(
            form,
            lambda d: services.move_application(
                application=application,
                to_status=d["to_status"],
                by=cast("User", request.user),  # signed in: login_required
                refusal_reason=d.get("refusal_reason") or "",
                reason=d["reason"],
            ),
        )
        if moved is not None:
            label = ApplicationStatus(application.status).label
            messages.success(request, _("Candidature : %s.") % label)
            return redirect("talent:application_detail", application.pk)
    context = {
        "application": application,
        "seeker": application.seeker,
        "offer": application.offer,
        "transitions": application.transitions.select_related("by"),
        "form": form,
        "moves": moves,
        "is_company": permissions.may_answer_application(request.user, application),
    }
    return render(request, "talent/application_detail.html", context, status=400 if form.errors else 200)
