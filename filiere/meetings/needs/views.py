"""Pages of the buyers' needs: the buyer's (post, proposals and invitations, comparison,
closing, follow-up), the firm's (needs received, the need, answer or decline) and the figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service, service_messages

from . import exports, selectors, services
from .forms import (
    AnswerForm,
    BroadcastForm,
    CloseForm,
    DeclineForm,
    FollowUpForm,
    InterestForm,
    InviteForm,
    NeedForm,
)
from .models import BuyerNeed, NeedStatus, PathStatus


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(service_messages(error)))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """ "Mes besoins": the needs of my organisations."""
    return render(
        request,
        "meetings/needs/mine.html",
        {
            "needs": selectors.needs_of_buyer(request.user),
            "may_post": selectors.buyer_organisations(request.user).exists(),
            "may_see_figures": selectors.may_see_figures(request.user),
        },
    )


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """ "Besoins reçus": my firms' paths, and the public needs of their regions."""
    return render(
        request,
        "meetings/needs/received.html",
        {
            "invitations": selectors.invitations_received(request.user),
            "public_needs": selectors.open_public_needs(request.user),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.buyer_organisations(request.user))
    if not organisations:
        raise PermissionDenied
    form = NeedForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        by_id = {o.pk: o for o in organisations}

        def post(data: dict[str, Any]) -> BuyerNeed:
            data = dict(data)
            organisation = by_id[data.pop("organisation")]
            return services.create_need(
                by=request.user, organisation=organisation, publish="publish" in request.POST, **data
            )

        need = run_service(form, post)
        if need is not None:
            if need.status == NeedStatus.PUBLISHED:
                messages.success(request, _("Besoin publié : voici les entreprises que le moteur propose."))
                return redirect("meetings:need_proposals", need.pk)
            messages.success(request, _("Brouillon enregistré."))
            return redirect("meetings:need", need.pk)
    return render(request, "meetings/needs/form.html", {"form": form, "need": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    form = NeedForm(request.POST or None, instance=need)
    if request.method == "POST":
        if run_service(form, lambda data: services.update_need(by=request.user, need=need, **data)):
            messages.success(request, _("Besoin modifié."))
            return redirect("meetings:need", need.pk)
    return render(request, "meetings/needs/form.html", {"form": form, "need": need})


def _need_page(request: HttpRequest, need: BuyerNeed, **forms: Any) -> HttpResponse:
    user = request.user
    mine = selectors.firm_invitation(user, need)
    if mine is not None and need.status != NeedStatus.DRAFT:
        services.mark_opened(by=user, invitation=mine)
    may_answer = mine is not None and selectors.may_answer_for(user, mine)
    interest_firms = (
        selectors.firms_of(user, need)
        if mine is None and need.status == NeedStatus.PUBLISHED and not need.confidential
        else []
    )
    is_buyer = selectors.is_buyer(user, need)
    show_path = selectors.may_see_path(user, need)
    invitations = list(selectors.need_invitations(need)) if show_path else []
    context = {
        "need": need,
        "skills": list(need.skills.values_list("label", flat=True)),
        "is_buyer": is_buyer,
        "show_path": show_path,
        "invitations": invitations,
        "selected": [i for i in invitations if i.status == PathStatus.SELECTED],
        "figures": selectors.need_figures(need) if show_path else None,
        "mine": mine,
        "may_answer": may_answer,
        "answer_form": forms.get("answer_form")
        or (
            AnswerForm(initial={"answer": mine.answer, "amount": mine.amount, "delay_days": mine.delay_days})
            if may_answer and mine is not None
            else None
        ),
        "decline_form": forms.get("decline_form") or (DeclineForm() if may_answer else None),
        "interest_form": forms.get("interest_form")
        or (InterestForm(organisations=interest_firms) if interest_firms else None),
        "close_form": CloseForm() if is_buyer and need.status == NeedStatus.PUBLISHED else None,
        "open_for_answers": need.status == NeedStatus.PUBLISHED and need.deadline >= timezone.localdate(),
    }
    return render(request, "meetings/needs/detail.html", context, status=400 if forms else 200)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _need_page(request, selectors.get_need_for_user(request.user, pk))


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    try:
        services.publish_need(by=request.user, need=need)
    except ValidationError as error:
        _refused(request, error)
        return redirect("meetings:need", need.pk)
    messages.success(request, _("Besoin publié : voici les entreprises que le moteur propose."))
    return redirect("meetings:need_proposals", need.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    form = CloseForm(request.POST)
    if run_service(form, lambda data: services.close_need(by=request.user, need=need, **data)):
        messages.success(request, _("Besoin clos."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("meetings:need", need.pk)


def _invite_choices(found: selectors.Proposals) -> list[tuple[int, str]]:
    return [(p.organisation_id, p.name) for p in found.all if not p.invited]


@login_required
def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """The engine's proposals with their reasons; the buyer ticks firms to invite."""
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    found = selectors.proposals(need)
    form = InviteForm(request.POST or None, choices=_invite_choices(found))
    if request.method == "POST":
        reasons = {p.organisation_id: p.reasons for p in found.all}
        created = run_service(
            form,
            lambda data: services.invite(
                by=request.user, need=need, organisation_ids=data["organisations"], reasons=reasons
            ),
        )
        if created is not None:
            messages.success(request, _("%(n)d invitation(s) envoyée(s).") % {"n": len(created)})
            return redirect("meetings:need", need.pk)
    return render(
        request,
        "meetings/needs/proposals.html",
        {"need": need, "found": found, "form": form, "broadcast_form": BroadcastForm()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def broadcast(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    form = BroadcastForm(request.POST)
    created = run_service(form, lambda data: services.broadcast(by=request.user, need=need, top=data["top"]))
    if created is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("meetings:need_proposals", need.pk)
    messages.success(request, _("Besoin diffusé à %(n)d entreprise(s).") % {"n": len(created)})
    return redirect("meetings:need", need.pk)


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The answers side by side: firm, amount, delay, answer, step, reasons."""
    need = selectors.get_need_for_user(request.user, pk)
    if not (selectors.is_buyer(request.user, need) or selectors.is_staff_for(request.user, need)):
        raise PermissionDenied
    invitations = [i for i in selectors.need_invitations(need) if i.answered_at is not None]
    return render(
        request,
        "meetings/needs/compare.html",
        {"need": need, "invitations": invitations, "is_buyer": selectors.is_buyer(request.user, need)},
    )


@login_required
def compare_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The comparison as CSV, XLSX or ODS (every path, with each step's date)."""
    need = selectors.get_need_for_user(request.user, pk)
    if not (selectors.is_buyer(request.user, need) or selectors.is_staff_for(request.user, need)):
        raise PermissionDenied
    if fmt not in exports.FORMATS:
        raise Http404
    content, content_type, name = exports.export_answers(need, selectors.need_invitations(need), fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk)
    firms = selectors.firms_of(request.user, need)
    if not firms:
        raise PermissionDenied
    form = InterestForm(request.POST, organisations=firms)
    by_id = {o.pk: o for o in firms}
    done = run_service(
        form,
        lambda data: services.express_interest(
            by=request.user, need=need, organisation=by_id[data["organisation"]]
        ),
    )
    if done is None:
        return _need_page(request, need, interest_form=form)
    messages.success(request, _("Intérêt enregistré : vous pouvez répondre au besoin."))
    return redirect("meetings:need", need.pk)


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(request.user, pk, manage=True)
    initial = {}
    if need.project_started is not None:
        initial = {
            "project_started": "1" if need.project_started else "0",
            "project_amount": need.project_amount,
        }
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if run_service(form, lambda data: services.record_follow_up(by=request.user, need=need, **data)):
            messages.success(request, _("Merci : la suite du besoin est enregistrée."))
            return redirect("meetings:need", need.pk)
    return render(request, "meetings/needs/follow_up.html", {"need": need, "form": form})


# --- A firm's path ------------------------------------------------------------------------------


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_invitation_for_user(request.user, pk, answer=True)
    form = AnswerForm(request.POST, request.FILES)
    done = run_service(
        form,
        lambda data: services.answer(
            by=request.user,
            invitation=invitation,
            answer=data["answer"],
            amount=data["amount"],
            delay_days=data["delay_days"],
            attachment=data["attachment"] or None,
        ),
    )
    if done is None:
        return _need_page(request, invitation.need, answer_form=form)
    messages.success(request, _("Réponse envoyée à l'acheteur."))
    return redirect("meetings:need", invitation.need_id)


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_invitation_for_user(request.user, pk, answer=True)
    form = DeclineForm(request.POST)
    done = run_service(form, lambda data: services.decline(by=request.user, invitation=invitation, **data))
    if done is None:
        return _need_page(request, invitation.need, decline_form=form)
    messages.success(request, _("Vous avez décliné ce besoin."))
    return redirect("meetings:need", invitation.need_id)


@login_required
@require_POST
def step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The buyer shortlists or selects a firm that answered."""
    invitation = selectors.get_invitation_for_user(request.user, pk, buyer=True)
    service = {"preselectionner": services.shortlist, "retenir": services.select}.get(action)
    if service is None:
        raise Http404
    try:
        service(by=request.user, invitation=invitation)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("« %(name)s » : %(step)s.")
            % {
                "name": invitation.organisation.name,
                "step": invitation.get_status_display().lower(),
            },
        )
    return redirect("meetings:need_compare", invitation.need_id)


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_invitation_for_user(request.user, pk)
    if not invitation.attachment_name:
        raise Http404
    response = HttpResponse(bytes(invitation.attachment or b""), content_type=invitation.attachment_type)
    name = invitation.attachment_name.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Figures ------------------------------------------------------------------------------------


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Platform staff (every need) and regional staff (their regions' needs)."""
    if not selectors.may_see_figures(request.user):
        raise PermissionDenied
    needs = selectors.staff_needs(request.user)
    rows = selectors.needs_with_counts(needs)[:200]
    return render(
        request,
        "meetings/needs/figures.html",
        {"totals": selectors.staff_figures(needs), "rows": rows},
    )
