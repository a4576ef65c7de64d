"""Pages about people: the adviser's list of job seekers, a profile (create, consents, matches), the
GDPR export and erasure, one's own data, the skill gap with an offer, and the commune and
occupation pickers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from filiere.core.forms import run_service, service_messages
from filiere.taxonomy.selectors import appellation_search
from filiere.territories.selectors import commune_search

from .. import permissions as talent_permissions
from .. import selectors, services
from ..forms import (
    SeekerForm,
    appellation_choice,
    commune_choice,
)
from ..models import (
    AgeBand,
    ConsentPurpose,
)

if TYPE_CHECKING:
    pass


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
        "can_erase": seeker.user_id == request.user.pk
        or talent_permissions.may_erase_person(request.user, seeker),
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
    if not is_self and not talent_permissions.may_erase_person(request.user, seeker):
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


def _typed(request: HttpRequest) -> str:
    """What the person typed in the picker (sent under the field's name, see SuggestInput)."""
    return request.GET.get(request.GET.get("field", ""), request.GET.get("q", ""))[:200]


@login_required
@require_GET
def suggest_communes(request: HttpRequest) -> HttpResponse:
    """<option>s for a commune picker: "Strasbourg (67482)", biggest first."""

    communes = commune_search(query=_typed(request), limit=12)
    values = [commune_choice(c) for c in communes if c.kind == "commune-actuelle" or c.code.isdigit()]
    return render(request, "talent/suggestions.html", {"values": values})


@login_required
@require_GET
def suggest_appellations(request: HttpRequest) -> HttpResponse:
    """<option>s for a ROME appellation picker, for the last of the « ; »-separated values."""

    typed = _typed(request)
    before, _sep, last = typed.rpartition(";")
    prefix = f"{before.strip()} ; " if before.strip() else ""
    found = appellation_search(query=last, limit=12) if len(last.strip()) >= 2 else []
    values = [prefix + appellation_choice(code, label) for code, label in found]
    return render(request, "talent/suggestions.html", {"values": values})
