"""Job applications, the company's side: the inbox, an offer's applications, and one application
with the moves its state allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filiere.core.forms import run_service
from filiere.organisations import permissions as organisation_permissions

from .. import permissions as talent_permissions
from .. import selectors, services
from ..forms import (
    ApplicationMoveForm,
)
from ..models import (
    CANDIDATE_MOVES,
    COMPANY_MOVES,
    ApplicationStatus,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


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
    if not organisation_permissions.organisations_with_role(request.user).exists():
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
    if talent_permissions.may_answer_application(user, application):
        mine |= COMPANY_MOVES
    if talent_permissions.may_withdraw_application(user, application):
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
        "is_company": talent_permissions.may_answer_application(request.user, application),
    }
    return render(request, "talent/application_detail.html", context, status=400 if form.errors else 200)
