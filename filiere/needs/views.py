"""Pages of the needs app: campaigns (staff), the survey behind a private link, results, gap table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service
from filiere.core.params import parse_int
from filiere.needs import selectors, services
from filiere.needs.exports import FORMATS, export_gap_table, invitations_csv
from filiere.needs.forms import AnswerForm, CampaignForm, ContactsImportForm, GapFiltersForm, NeedLineFormSet
from filiere.needs.models import Invitation, NeedKind, Status
from filiere.territories.maps import choropleth_svg
from filiere.territories.models import Department

BLANK_ROWS = 3


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_for_user(request.user).order_by("-opens_on", "title")
    managed = set(selectors.managed_campaigns(request.user).values_list("pk", flat=True))
    rows = [(c, c.pk in managed) for c in campaigns]
    context = {"rows": rows, "can_create": selectors.can_create_campaign(request.user)}
    return render(request, "needs/campaign_list.html", context)


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    invitations = selectors.invitations_of_user(request.user)
    return render(request, "needs/my_surveys.html", {"invitations": invitations})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_campaign(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        campaign = run_service(form, lambda d: services.create_campaign(user=request.user, **d))
        if campaign is not None:
            messages.success(request, _("Campagne créée en brouillon."))
            return redirect("needs:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "needs/campaign_form.html", {"form": form, "campaign": None}, status=status)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, manage=True)
    form = CampaignForm(
        request.POST or None,
        instance=selectors.get_campaign_for_user(request.user, pk, manage=True),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}
        saved = run_service(
            form, lambda _d: services.update_campaign(user=request.user, campaign=campaign, **fields)
        )
        if saved is not None:
            messages.success(request, _("Campagne mise à jour."))
            return redirect("needs:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "needs/campaign_form.html", {"form": form, "campaign": campaign}, status=status)


INVITATION_FILTERS = {
    "answered": {"answered_at__isnull": False},
    "pending": {"answered_at__isnull": True},
    "no_email": {"email": ""},
}


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, manage=True)
    invitations = campaign.invitations.select_related("organisation").order_by("organisation__name")
    shown = request.GET.get("show", "")
    if shown in INVITATION_FILTERS:
        invitations = invitations.filter(**INVITATION_FILTERS[shown])
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "rates": selectors.response_rates(campaign),
        "page": page,
        "show": shown,
        "contacts_form": ContactsImportForm(),
        "mails": campaign.invitations.filter(mails__isnull=False).count(),
    }
    return render(request, "needs/campaign_detail.html", context)


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, manage=True)
    try:
        if action == "preparer":
            report = services.prepare_invitations(user=request.user, campaign=campaign)
            if campaign.status == Status.OPEN:
                services.send_invitations(campaign=campaign)  # companies added to an open campaign
            messages.success(
                request,
                _(
                    "%(created)d entreprise(s) ajoutée(s), %(removed)d retirée(s) ; %(emails)d adresse(s) trouvée(s)."
                )
                % {"created": report.created, "removed": report.removed, "emails": report.emails_found},
            )
        elif action == "ouvrir":
            sent = services.open_campaign(user=request.user, campaign=campaign)
            messages.success(
                request, _("Campagne ouverte : %(sent)d invitation(s) envoyée(s).") % {"sent": sent}
            )
        elif action == "clore":
            services.close_campaign(user=request.user, campaign=campaign)
            messages.success(request, _("Campagne close : les réponses ne sont plus modifiables."))
        elif action == "relancer":
            sent = services.send_reminders(campaign=campaign, user=request.user, force=True)
            messages.success(request, _("%(sent)d relance(s) envoyée(s).") % {"sent": sent})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("needs:campaign_detail", pk=campaign.pk)


@login_required
def campaign_links(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, manage=True)
    response = HttpResponse(invitations_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-{campaign.pk}.csv"'
    return response


@login_required
@require_POST
def campaign_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk, manage=True)
    form = ContactsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("needs:campaign_detail", pk=campaign.pk)
    report = services.import_contacts(user=request.user, campaign=campaign, content=form.cleaned_data["file"])
    if report.ok:
        messages.success(
            request,
            _("Contacts importés : %(updated)d mis à jour, %(unchanged)d inchangés.")
            % {"updated": report.updated, "unchanged": report.unchanged},
        )
    else:
        lines = [
            _("Ligne %(line)d : %(message)s") % {"line": e.line, "message": e.message}
            for e in report.rejections[:20]
        ]
        messages.error(request, _("Aucun contact importé :") + " " + " ".join(lines))
    return redirect("needs:campaign_detail", pk=campaign.pk)


def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign_for_user(request.user, pk)
    results = selectors.campaign_results(campaign)
    context = {
        "campaign": campaign,
        "results": results,
        "can_manage": selectors.can_manage_campaign(request.user, campaign),
        "gap_url": reverse("needs:gaps") + "?" + urlencode({"campaign": campaign.pk}),
    }
    return render(request, "needs/campaign_results.html", context)


@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_invitation_for_user(request.user, pk)
    answer = getattr(invitation, "answer", None) if invitation.answered_at else None
    lines = list(answer.lines.all()) if answer else []
    context = {"invitation": invitation, "campaign": invitation.campaign, "answer": answer, "lines": lines}
    return render(request, "needs/answer_detail.html", context)


# --- The survey (private link, no account) -----------------------------------------------------


def _initial_rows(invitation: Invitation) -> list[dict[str, Any]]:
    answer = getattr(invitation, "answer", None) if invitation.answered_at else None
    rows = []
    if answer is not None:
        for line in answer.lines.all():
            if line.kind == NeedKind.SKILL and line.skill_id:
                choice = f"skill:{line.skill_id}"
            elif line.kind == NeedKind.OCCUPATION:
                choice = f"occ:{line.occupation_kind}:{line.occupation_code}"
            else:
                choice = "text"
            rows.append(
                {
                    "text": line.text,
                    "choice": choice,
                    "checked_text": line.text,
                    "people": line.people,
                    "horizon": line.horizon,
                    "difficulty": line.difficulty,
                    "contract_types": line.contract_types,
                    "label": line.label,
                }
            )
    return rows + [{} for _i in range(BLANK_ROWS if not rows else 1)]


def _options(form: Any, *, current_label: str = "") -> list[services.Suggestion]:
    """The readings offered for one row: the engine's suggestions for its text, plus the current choice."""
    text = (form["text"].value() or "").strip()
    if not text:
        return []
    options = services.suggest(text)
    current = form["choice"].value() or ""
    if current and current != "text" and current not in {o.value for o in options}:
        resolved = services.resolve_choice(current, text)
        if resolved is not None:
            options.insert(
                0, services.Suggestion(current, resolved.kind, current_label or resolved.label, 1.0)
            )
    return options


def _rows(formset: Any, labels: list[str] | None = None) -> list[dict[str, Any]]:
    labels = labels or []
    rows = []
    for index, form in enumerate(formset.forms):
        label = labels[index] if index < len(labels) else ""
        options = _options(form, current_label=label)
        current = form["choice"].value() or ""
        if not current and options:
            current = options[0].value
        rows.append({"form": form, "options": options, "current": current or "text", "number": index + 1})
    return rows


def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.get_invitation_by_token(token)
    campaign = invitation.campaign
    services.mark_opened(invitation)
    open_now = campaign.accepts_answers()
    answer = getattr(invitation, "answer", None) if invitation.answered_at else None
    context: dict[str, Any] = {
        "invitation": invitation,
        "campaign": campaign,
        "answer": answer,
        "open": open_now,
        "closed_message": "" if open_now else services.closed_message(campaign),
        "lines": list(answer.lines.all()) if answer else [],
    }
    if not open_now:
        status = 403 if request.method == "POST" else 200
        return render(request, "needs/survey.html", context, status=status)
    if request.method != "POST":
        initial = _initial_rows(invitation)
        formset = NeedLineFormSet(prefix="lines", initial=initial)
        answer_form = AnswerForm(
            initial={
                "respondent_name": answer.respondent_name if answer else "",
                "respondent_role": answer.respondent_role if answer else "",
                "headcount": answer.headcount if answer else None,
                "comments": answer.comments if answer else "",
                "no_needs": bool(answer and not context["lines"]),
            }
        )
        context.update(
            rows=_rows(formset, [r.get("label", "") for r in initial]), formset=formset, form=answer_form
        )
        return render(request, "needs/survey.html", context)
    return _survey_post(request, invitation, context)


def _survey_post(request: HttpRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    action = request.POST.get("action", "submit")
    data = request.POST.copy()
    if action == "add":
        total = data.get("lines-TOTAL_FORMS", "")
        if (count := parse_int(total)) is not None:
            data["lines-TOTAL_FORMS"] = str(min(count + 1, services.MAX_LINES))
    formset = NeedLineFormSet(data, prefix="lines")
    answer_form = AnswerForm(data)
    valid = formset.is_valid() and answer_form.is_valid()
    context.update(formset=formset, form=answer_form)
    if action == "add" or not valid:
        context.update(rows=_rows(formset))
        added = action == "add" and formset.management_form.is_valid()
        return render(request, "needs/survey.html", context, status=200 if added else 400)
    filled = [f for f in formset.forms if not f.is_blank()]
    unconfirmed = [f for f in filled if f.needs_confirmation()]
    if action == "check" or unconfirmed:
        # Show the engine's reading of each need; the respondent confirms it, then sends.
        for index, form in enumerate(formset.forms):
            if form.is_blank():
                continue
            if form.needs_confirmation():
                data[f"lines-{index}-choice"] = ""  # new words: the engine's best reading first
            data[f"lines-{index}-checked_text"] = form.cleaned_data["text"].strip()
        formset = NeedLineFormSet(data, prefix="lines")
        formset.is_valid()
        context.update(formset=formset, rows=_rows(formset), confirm=True)
        return render(request, "needs/survey.html", context)
    try:
        services.save_answer(
            invitation=invitation,
            lines=[f.as_input() for f in filled],
            no_needs=answer_form.cleaned_data["no_needs"],
            respondent_name=answer_form.cleaned_data["respondent_name"],
            respondent_role=answer_form.cleaned_data["respondent_role"],
            headcount=answer_form.cleaned_data["headcount"],
            comments=answer_form.cleaned_data["comments"],
        )
    except ValidationError as exc:
        _errors_to_forms(exc, formset, answer_form, filled)
        context.update(rows=_rows(formset))
        return render(request, "needs/survey.html", context, status=400)
    messages.success(
        request, _("Merci ! Votre réponse est enregistrée. Vous pouvez la modifier jusqu'à la clôture.")
    )
    return redirect("needs:survey", token=invitation.token)


def _errors_to_forms(exc: ValidationError, formset: Any, answer_form: Any, filled: list[Any]) -> None:
    if not hasattr(exc, "error_dict"):
        answer_form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        if key.startswith("lines-"):
            _prefix, index, field = key.split("-", 2)
            filled[int(index)].add_error(field if field != "choice" else None, errors)
        elif key in answer_form.fields:
            answer_form.add_error(key, errors)
        else:
            answer_form.add_error(None, errors)


# --- Gap table ---------------------------------------------------------------------------------


def _gap_map(table: selectors.GapTable) -> Any:

    values: dict[str, float | None] = dict(table.by_department)
    return choropleth_svg(
        values,
        level="department",
        title=_("Écart entre besoins et places de formation par département"),
        unit=_("personnes"),
        diverging=True,
        uid="needs-gap-map",
        table_id="gap-by-department",
    )


def gaps(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_for_user(request.user).exclude(status=Status.DRAFT))
    by_pk = {c.pk: c for c in campaigns}
    raw = request.GET.get("campaign", "")
    campaign = by_pk.get(parse_int(raw))  # type: ignore[arg-type]
    if raw and campaign is None:
        raise Http404  # a campaign the user may not read: not revealed
    if not campaigns:
        return render(request, "needs/gaps.html", {"table": None, "campaigns": []})
    campaign = campaign or campaigns[0]

    departments = list(Department.objects.filter(region_id=campaign.region_id).values_list("code", "name"))
    params = request.GET.copy()
    params["campaign"] = str(campaign.pk)
    form = GapFiltersForm(params, campaigns=campaigns, departments=departments)
    if not form.is_valid():
        # Nonsense in the query string: fall back to the campaign alone, say so.
        messages.error(request, _("Filtres invalides ignorés."))
        form = GapFiltersForm({"campaign": campaign.pk}, campaigns=campaigns, departments=departments)
        form.is_valid()
    filters = selectors.GapFilters(
        campaign=campaign,
        department=form.cleaned_data.get("department") or "",
        horizons=tuple(form.cleaned_data.get("horizon") or ()),
    )
    table = selectors.gap_table(filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        content, content_type, name = export_gap_table(table, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = urlencode({k: v for k, v in form.cleaned_data.items() if v and k != "horizon"}) + "".join(
        f"&horizon={h}" for h in filters.horizons
    )
    context = {
        "form": form,
        "table": table,
        "campaign": campaign,
        "campaigns": campaigns,
        "map": _gap_map(table),
        "department_rows": sorted(
            (
                (code, table.department_names.get(code, code), gap)
                for code, gap in table.by_department.items()
            ),
            key=lambda r: -r[2],
        ),
        "export_query": query,
        "far_weight": selectors.HORIZON_WEIGHTS["2-3y"],
    }
    template = "needs/gaps.html#results" if request.htmx else "needs/gaps.html"
    return render(request, template, context)
