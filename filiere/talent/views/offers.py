"""Job offers: the list, one offer with its best candidates, publishing and editing an offer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filiere.core.forms import run_service
from filiere.organisations import permissions as organisation_permissions

from .. import selectors, services
from ..forms import (
    ApplyForm,
    OfferEditForm,
    OfferForm,
)
from ..models import (
    OfferStatus,
)

if TYPE_CHECKING:
    from filiere.accounts.permissions import User


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
    organisations = list(organisation_permissions.organisations_with_role(request.user).order_by("name")[:50])
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
