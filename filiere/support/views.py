"""Pages of the support app: catalogue, services for a firm, requests and answers, surveys,
a firm's history, coverage map and reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.core.exports import FORMATS
from filiere.core.params import parse_int
from filiere.organisations.models import Organisation
from filiere.territories.maps import choropleth_svg, map_table_rows

from . import coverage as coverage_module
from . import reports, selectors, services
from .forms import CatalogueForm, NeedForm, OutcomeForm, SatisfactionForm, ServiceForm, SiretForm, regions
from .indexing import UserTextError
from .models import ReferralStatus, SurveyKind, Theme

STATUS_ACTIONS = {
    "prendre": ReferralStatus.TAKEN,
    "realise": ReferralStatus.DONE,
    "pas-pour-nous": ReferralStatus.NOT_FOR_US,
}
ACTION_OF_STATUS: dict[str, str] = {status: action for action, status in STATUS_ACTIONS.items()}


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None)
    rows: list[selectors.CatalogueRow] = []
    error = ""
    filters = selectors.CatalogueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CatalogueFilters(
            query=data["q"], theme=data["theme"], region=data["region"], department=data["department"],
            regional_aid=data["aid"], free=data["free"],
        )  # fmt: skip
    try:
        rows = selectors.search_catalogue(filters)
    except UserTextError as exc:
        error = str(exc)
    context = {"form": form, "rows": rows, "error": error, "filters": filters, "siret_form": SiretForm()}
    return render(request, "support/catalogue.html", context)


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.get_service_for_user(request.user, pk)
    context = {
        "service": service,
        "funders": list(service.funders.order_by("name")),
        "may_manage": selectors.may_manage_services_of(request.user, service.provider),
    }
    return render(request, "support/service_detail.html", context)


def firm_services(request: HttpRequest) -> HttpResponse:
    """Services for my firm: given a SIRET, the services it is eligible for, with why."""
    form = SiretForm(request.GET or None)
    facts = None
    eligible: list[selectors.Eligibility] = []
    blocked: list[selectors.Eligibility] = []
    status = 200
    if form.is_valid():
        try:
            facts = selectors.firm_facts(form.cleaned_data["siret"])
        except selectors.FirmLookupError as exc:
            form.add_error("siret", str(exc))
            status = 400
        else:
            eligible, blocked = selectors.services_for_firm(facts)
    elif request.GET:
        status = 400
    context = {"form": form, "facts": facts, "eligible": eligible, "blocked": blocked}
    return render(request, "support/firm_services.html", context, status=status)


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """A firm's need: step 1 the SIRET and the need, step 2 the proposed services to choose."""
    form = NeedForm(
        request.POST or None,
        initial={"siret": request.GET.get("siret", ""), "contact_email": getattr(request.user, "email", "")},
    )
    proposals: list[selectors.Proposal] = []
    facts = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            facts = selectors.firm_facts(data["siret"])
            if not selectors.may_file_for(request.user, facts.organisation):
                raise PermissionDenied
            chosen = request.POST.getlist("services")
            if "send" in request.POST:
                support_request = services.create_request(
                    by=request.user,
                    siret=data["siret"],
                    description=data["description"],
                    contact_email=data["contact_email"],
                    contact_name=data["contact_name"],
                    service_ids=[pk for value in chosen if (pk := parse_int(value)) is not None],
                    language=get_language() or "fr",
                )
                messages.success(
                    request,
                    _("Votre demande est transmise. Chaque structure vous répondra ici et par courriel."),
                )
                return redirect("support:request_detail", pk=support_request.pk)
            proposals = selectors.propose_services(facts, data["description"])
            if not proposals:
                form.add_error(
                    None,
                    _(
                        "Aucun service du catalogue ne correspond à ce besoin pour cette entreprise. Précisez votre besoin ou consultez le catalogue."
                    ),
                )
        except selectors.FirmLookupError as exc:
            form.add_error("siret", str(exc))
        except (services.ServiceError, UserTextError) as exc:
            form.add_error(None, str(exc))
            if facts is not None and not proposals:
                try:
                    proposals = selectors.propose_services(facts, data["description"])
                except UserTextError:
                    proposals = []
        if form.errors:
            status = 400
    context = {"form": form, "proposals": proposals, "facts": facts, "max_referrals": services.MAX_REFERRALS}
    return render(request, "support/request_new.html", context, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support_request = selectors.get_request_for_user(request.user, pk)
    referrals = list(
        support_request.referrals.select_related("service", "provider").prefetch_related(
            "events__by", "surveys"
        )
    )
    rows = [
        {
            "referral": referral,
            "may_answer": selectors.may_answer_for(request.user, referral.provider_id),
            "actions": [
                (ACTION_OF_STATUS[s], ReferralStatus(s).label)
                for s in referral.allowed_moves()
                if s in ACTION_OF_STATUS
            ],
        }
        for referral in referrals
    ]
    context = {"support_request": support_request, "rows": rows}
    return render(request, "support/request_detail.html", context)


@login_required
@require_POST
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    referral = selectors.get_referral_for_user(request.user, pk)
    if action not in STATUS_ACTIONS:
        raise Http404("Action inconnue")
    try:
        services.set_referral_status(
            by=request.user,
            referral=referral,
            status=STATUS_ACTIONS[action],
            note=request.POST.get("note", ""),
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Réponse enregistrée : %(status)s.") % {"status": ReferralStatus(STATUS_ACTIONS[action]).label},
        )
    return redirect("support:request_detail", pk=referral.request_id)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The requests routed to the structures the person answers for."""
    referrals = selectors.referrals_to_answer(request.user)
    shown = request.GET.get("statut", "open")
    if shown == "open":
        referrals = referrals.filter(status__in=(ReferralStatus.NEW, ReferralStatus.TAKEN))
    elif shown in ReferralStatus.values:
        referrals = referrals.filter(status=shown)
    context = {
        "referrals": referrals.order_by("-created_at")[:200],
        "shown": shown,
        "statuses": ReferralStatus.choices,
    }
    return render(request, "support/inbox.html", context)


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The satisfaction or outcome question behind its private link; answered once."""
    the_survey = selectors.get_survey_by_token(token)
    form_class = SatisfactionForm if the_survey.kind == SurveyKind.SATISFACTION else OutcomeForm
    form = form_class(request.POST or None)
    status = 200
    if the_survey.answered_at is not None and request.method != "POST":
        return render(request, "support/survey.html", {"survey": the_survey, "form": None, "already": True})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_survey(survey=the_survey, **form.cleaned_data)
            except services.ServiceError as exc:
                return render(
                    request, "support/survey.html",
                    {"survey": the_survey, "form": None, "already": True, "message": str(exc)}, status=409,
                )  # fmt: skip
            return render(
                request, "support/survey.html", {"survey": the_survey, "form": None, "thanks": True}
            )
        status = 400
    return render(request, "support/survey.html", {"survey": the_survey, "form": form}, status=status)


@login_required
def history(request: HttpRequest, siren: str) -> HttpResponse:
    organisation, entries = selectors.get_history_for_user(request.user, siren)
    return render(
        request, "support/history.html", {"organisation": organisation, "siren": siren, "entries": entries}
    )


def coverage(request: HttpRequest) -> HttpResponse:
    theme = request.GET.get("theme", "")
    theme = theme if theme in Theme.values else ""
    region = request.GET.get("region", "")
    data = coverage_module.coverage(theme=theme, region="")
    values = data.values()
    by_code = {d.code: d for d in data.departments}
    unit = _("services") if theme else _("thèmes couverts")
    title = (
        (_("Services « %(theme)s » par département") % {"theme": Theme(theme).label})
        if theme
        else _("Thèmes couverts par département")
    )
    context = {
        "theme": theme,
        "themes": Theme.choices,
        "coverage": data,
        "map": choropleth_svg(values, level="department", title=title, unit=unit, table_id="coverage-table"),
        "table": [(row, by_code.get(row.code)) for row in map_table_rows(values, "department")],
        "white_zones": data.white_zones,
        "region": region,
        "regions": regions(),
        "places": coverage_module.third_places(region=region),
        "epcis": coverage_module.epci_coverage(region, theme=theme) if region else [],
    }
    return render(request, "support/coverage.html", context)


@login_required
def report(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    organisation = reports.get_report_organisation_for_user(request.user, pk, role)
    period = reports.parse_period(
        parse_int(request.GET.get("annee")), parse_int(request.GET.get("trimestre"))
    )
    the_report = reports.support_report(organisation=organisation, role=role, period=period)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        content, content_type, name = reports.export_report(the_report, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "report": the_report,
        "role_label": reports.ROLES[role],
        "years": range(period.year + 1, period.year - 5, -1),
        "query": query.urlencode(),
        "formats": list(FORMATS),
        "sections": [
            (_("Par taille"), the_report.by_size),
            (_("Par thème"), the_report.by_theme),
            (_("Par département"), the_report.by_department),
        ],
    }
    return render(request, "support/report.html", context)


@login_required
def my_services(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.managed_providers(request.user))
    services_by_provider = [(p, list(p.support_services.order_by("title"))) for p in providers]
    return render(request, "support/my_services.html", {"services_by_provider": services_by_provider})


def _service_form(request: HttpRequest, *, provider: Organisation, service: Any | None) -> HttpResponse:
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_service(
                by=request.user, provider=provider, service=service,
                funders=form.cleaned_data["funders"], **form.service_fields(),
            )  # fmt: skip
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, _("Service enregistré."))
            return redirect("support:service_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "support/service_form.html",
        {"form": form, "provider": provider, "service": service},
        status=status,
    )


@login_required
def service_create(request: HttpRequest, provider_pk: int) -> HttpResponse:
    try:
        provider = Organisation.objects.get(pk=provider_pk)
    except Organisation.DoesNotExist:
        raise Http404("Organisation inconnue") from None
    if not selectors.may_manage_services_of(request.user, provider):
        raise PermissionDenied
    return _service_form(request, provider=provider, service=None)


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.get_service_for_user(request.user, pk, manage=True)
    return _service_form(request, provider=service.provider, service=service)
