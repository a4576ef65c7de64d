"""Showcase pages: buyer search, firm profile, contact requests, firm editing, validation,
saved searches and transferability.

Every object named in a URL is resolved by a `selectors.get_*_for_user` access function; every
write goes through `services`, which checks rights again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from filiere.accounts import permissions
from filiere.core.params import parse_int
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Organisation
from filiere.taxonomy.models import Skill
from filiere.territories.models import Region

from . import selectors, services
from .forms import (
    CertificationForm,
    ContactForm,
    ContactStatusForm,
    DeclarationForm,
    ProfileForm,
    ReferenceForm,
    SaveSearchForm,
)
from .models import Certification, ContactStatus, Reference, Sector
from .transferability import application_sectors, sector_transferability


def _page_number(request: HttpRequest) -> int:
    return parse_int(request.GET.get("page", "1"), minimum=1) or 1


def _posted_id(request: HttpRequest) -> int:
    """The object id a form posted (its "id" field); nonsense names nothing: 404."""
    pk = parse_int(request.POST.get("id", ""), minimum=1)
    if pk is None:
        raise Http404
    return pk


def _first_error(form) -> str:  # type: ignore[no-untyped-def]
    for errors in form.errors.values():
        return str(errors[0])
    return _("Formulaire invalide.")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Buyer search: free text and filters; HTMX requests get the results partial only."""
    filters = selectors.ShowcaseFilters.from_params(request.GET)
    result = selectors.search_showcase(filters, page=_page_number(request))
    query = urlencode(filters.as_params())
    context = {
        "filters": filters,
        "result": result,
        "query": query,
        "page_prefix": f"?{query}&page=" if query else "?page=",
        "sectors": Sector.objects.all(),
        "regions": Region.objects.order_by("name"),
        "size_bands": [(code, label) for code, (label, _bands) in selectors.SIZE_BANDS.items()],
        "save_form": SaveSearchForm(),
    }
    template = "showcase/search.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context, status=400 if result.error else 200)


@require_GET
def profile(request: HttpRequest, org_id: int) -> HttpResponse:
    """A firm's showcase: pitch, competences, references, certifications and the contact form."""
    showcase = selectors.get_profile_for_user(request.user, org_id)
    organisation = showcase.organisation
    declarations = list(selectors.profile_declarations(org_id)) if showcase.pk else []
    context = {
        "profile": showcase,
        "organisation": organisation,
        "declarations": declarations,
        # The badge names the clusters that vouched for the firm.
        "validating_clusters": sorted(
            {d.validated_for.name for d in declarations if d.status == "validated" and d.validated_for}
        ),
        "sectors": list(showcase.target_sectors.all()) if showcase.pk else [],
        "references": list(Reference.objects.filter(organisation_id=org_id).select_related("sector")),
        "certifications": list(Certification.objects.filter(organisation_id=org_id)),
        "can_edit": selectors.can_edit_showcase(request.user, org_id),
        "contact_form": ContactForm(
            user=request.user, initial={"search_query": request.GET.get("q", "")[:500]}
        )
        if permissions.is_signed_in(request.user)
        else None,
    }
    return render(request, "showcase/profile.html", context)


@login_required
@require_POST
def contact(request: HttpRequest, org_id: int) -> HttpResponse:
    """Send a contact request to a published firm."""
    showcase = selectors.get_profile_for_user(request.user, org_id)
    form = ContactForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.send_contact_request(
                user=request.user,
                organisation=showcase.organisation,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                buyer_organisation=form.cleaned_data["buyer_organisation"],
                search_query=form.cleaned_data["search_query"] or "",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Votre demande a été envoyée à %(name)s.") % {"name": showcase.organisation.name}
            )
            return redirect("showcase:requests")
    else:
        messages.error(request, _first_error(form))
    return redirect("showcase:profile", org_id=org_id)


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    """ "Mes demandes": what the user sent as a buyer and what their firms received."""
    visible = selectors.contact_requests_for_user(request.user)
    sent = [c for c in visible if c.buyer_id == request.user.pk]
    received = [c for c in visible if c.buyer_id != request.user.pk]
    for contact_request in received:
        contact_request.next_statuses = [
            (status, ContactStatus(status).label)
            for status in services.ALLOWED_TRANSITIONS[contact_request.status]
        ]
    return render(request, "showcase/requests.html", {"sent": sent, "received": received})


@login_required
@require_POST
def contact_status(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The target firm moves a request to its next step (read, answered, declined, deal signed)."""
    contact_request = selectors.get_contact_request_for_user(request.user, contact_id)
    form = ContactStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("showcase:requests")
    try:
        services.set_contact_status(
            user=request.user,
            contact=contact_request,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data["answer"] or "",
            deal_amount=form.cleaned_data["deal_amount"],
        )
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Demande mise à jour."))
    return redirect("showcase:requests")


@login_required
def edit(request: HttpRequest, org_id: int) -> HttpResponse:
    """A firm's editors manage its showcase: pitch, sectors, competences, references, certifications."""
    organisation = get_object_or_404(Organisation, pk=org_id)
    if not selectors.can_edit_showcase(request.user, organisation):
        raise PermissionDenied  # the organisation is public (directory): refused, not hidden
    showcase = selectors.get_profile_for_user(request.user, org_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    profile_form = ProfileForm(
        request.POST if action == "profile" else None,
        initial={
            "pitch": showcase.pitch,
            "target_sectors": list(showcase.target_sectors.all()) if showcase.pk else [],
            "is_published": showcase.is_published,
        },
    )
    declaration_form = DeclarationForm(request.POST if action == "declare" else None)
    reference_form = ReferenceForm(request.POST if action == "reference" else None)
    certification_form = CertificationForm(request.POST if action == "certification" else None)
    done = False
    if action == "profile" and profile_form.is_valid():
        data = profile_form.cleaned_data
        services.update_profile(
            user=request.user,
            organisation=organisation,
            pitch=data["pitch"],
            sector_codes=[s.code for s in data["target_sectors"]],
            is_published=data["is_published"],
        )
        done = True
    elif action == "declare" and declaration_form.is_valid():
        data = declaration_form.cleaned_data
        skill = Skill.objects.filter(pk=data.pop("skill")).first()
        if skill is None:
            messages.error(request, _("Compétence inconnue."))
        else:
            try:
                services.declare_competence(user=request.user, organisation=organisation, skill=skill, **data)
                done = True
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    elif action == "reference" and reference_form.is_valid():
        services.add_reference(user=request.user, organisation=organisation, **reference_form.cleaned_data)
        done = True
    elif action == "certification" and certification_form.is_valid():
        services.add_certification(
            user=request.user, organisation=organisation, **certification_form.cleaned_data
        )
        done = True
    elif action == "remove_declaration":
        declaration = selectors.get_declaration_for_user(request.user, _posted_id(request))
        services.remove_declaration(user=request.user, declaration=declaration)
        done = True
    elif action == "remove_reference":
        reference = get_object_or_404(Reference, pk=_posted_id(request), organisation=organisation)
        services.remove_reference(user=request.user, reference=reference)
        done = True
    if done:
        messages.success(request, _("Vitrine mise à jour."))
        return redirect("showcase:edit", org_id=org_id)
    skill_query = request.GET.get("skill_q", "")[:100]
    context = {
        "organisation": organisation,
        "profile": showcase,
        "profile_form": profile_form,
        "declaration_form": declaration_form,
        "reference_form": reference_form,
        "certification_form": certification_form,
        "declarations": list(selectors.profile_declarations(org_id, include_rejected=True)),
        "references": list(Reference.objects.filter(organisation_id=org_id).select_related("sector")),
        "certifications": list(Certification.objects.filter(organisation_id=org_id)),
        "skill_query": skill_query,
        "skill_choices": selectors.search_skills(skill_query) if skill_query else [],
    }
    return render(request, "showcase/edit.html", context)


@login_required
def validation(request: HttpRequest) -> HttpResponse:
    """Cluster staff validate or reject declared competences."""
    if not permissions.is_platform_staff(request.user) and not organisation_permissions.is_cluster_staff(
        request.user
    ):
        raise PermissionDenied
    if request.method == "POST":
        declaration = selectors.get_declaration_for_user(
            request.user, _posted_id(request), for_validation=True
        )
        services.validate_declaration(
            user=request.user, declaration=declaration, approve=request.POST.get("decision") == "validate"
        )
        messages.success(request, _("Décision enregistrée."))
        return redirect("showcase:validation")
    return render(
        request,
        "showcase/validation.html",
        {"declarations": list(selectors.pending_declarations(request.user)[:200])},
    )


@login_required
@require_POST
def save_search(request: HttpRequest) -> HttpResponse:
    """Keep the current search (query string in the POST) for alerts."""
    filters = selectors.ShowcaseFilters.from_params(request.POST)
    form = SaveSearchForm(request.POST)
    if form.is_valid():
        services.save_search(
            user=request.user,
            filters=filters,
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, _("Recherche enregistrée : vous serez alerté des nouvelles entreprises."))
    else:
        messages.error(request, _first_error(form))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("showcase:saved_searches")
        return response
    return redirect("showcase:saved_searches")


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    """The user's saved searches, with a delete button."""
    if request.method == "POST":
        saved = selectors.get_saved_search_for_user(request.user, _posted_id(request))
        saved.delete()
        messages.success(request, _("Recherche supprimée."))
        return redirect("showcase:saved_searches")
    searches = []
    for saved in request.user.showcase_searches.all():
        params = selectors.ShowcaseFilters.from_params({**saved.filters, "q": saved.query}).as_params()
        searches.append((saved, urlencode(params)))
    return render(request, "showcase/saved_searches.html", {"searches": searches})


@require_GET
def transferability(request: HttpRequest, org_id: int) -> HttpResponse:
    """Which sectors need the skills a firm declares."""
    showcase = selectors.get_profile_for_user(request.user, org_id)
    skill_ids = selectors.profile_skill_ids(org_id)
    naf_scores = sector_transferability(skill_ids)
    context = {
        "title": showcase.organisation.name,
        "profile": showcase,
        "skill_count": len(skill_ids),
        "naf_scores": naf_scores,
        "application_scores": application_sectors(naf_scores),
    }
    return render(request, "showcase/transferability.html", context)


@require_GET
def territory_transferability(request: HttpRequest, region_code: str) -> HttpResponse:
    """Which sectors need the skills the published firms of a region declare."""
    region = get_object_or_404(Region, code=region_code)
    skill_ids = selectors.territory_skill_ids(region.code)
    naf_scores = sector_transferability(skill_ids)
    context = {
        "title": region.name,
        "region": region,
        "skill_count": len(skill_ids),
        "naf_scores": naf_scores,
        "application_scores": application_sectors(naf_scores),
    }
    return render(request, "showcase/transferability.html", context)
