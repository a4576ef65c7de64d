"""Directory pages: search with facets, organisation page and edit form, exports; an
organisation's people (members, invitations, join requests) and regional administration, served
under /comptes/ (`memberships` URL names, members_urls.py).

Every organisation named in a URL is resolved by `selectors.get_organisation_for_user`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from filiere.accounts.models import Role
from filiere.accounts.permissions import administered_region_codes, is_platform_staff
from filiere.territories.maps import choropleth_svg, map_table_rows
from filiere.territories.models import Region

from . import exports, selectors, services
from .forms import DecisionForm, InvitationForm, JoinRequestForm, OrganisationEditForm, RoleForm
from .models import ExportStatus, HeadcountBand, Kind, Source
from .permissions import may_administer_organisation, may_edit_organisation
from .services import update_organisation

if TYPE_CHECKING:
    from filiere.accounts.models import User


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# The parameters that make a search; without any of them the directory shows its default view.
SEARCH_PARAMS = ("q", *selectors.FACET_FIELDS)
# The default view (every active digital establishment of a region or of France) is the page most
# visitors land on: its counts get more time to be exact than a search as you type does.
DEFAULT_VIEW_COUNT_MS = 1000


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The directory: a GET form (works without JavaScript); HTMX requests get the results partial.

    Without a search, the active digital establishments of the visitor's region (or of France),
    featured organisations first (`selectors.default_filters`). `vue=carte` shows the results
    on a map of departments instead of the list.
    """
    is_default = not any(name in request.GET for name in SEARCH_PARAMS)
    if is_default:
        filters = selectors.default_filters(request.user)
    else:
        filters = selectors.DirectoryFilters.from_params(request.GET)
    as_map = request.GET.get("vue") == "carte"
    result = selectors.search_directory(
        filters, page=_page_number(request), count_budget_ms=DEFAULT_VIEW_COUNT_MS if is_default else None
    )
    query = urlencode(filters.as_params())
    page_query = f"{query}&vue=carte" if as_map and query else ("vue=carte" if as_map else query)
    context = {
        "filters": filters,
        "result": result,
        "rows": selectors.present_results(result.results),
        "query": query,
        "is_default": is_default,
        "default_region": selectors.region_name(filters.region[0]) if is_default and filters.region else "",
        "as_map": as_map,
        "page_prefix": f"?{page_query}&page=" if page_query else "?page=",
        "export_formats": list(exports.FORMATS),
    }
    if as_map:
        context.update(_results_map(filters, result))
    template = "organisations/search.html"
    # A history-restore request (back button after the cache expired) needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _results_map(filters: selectors.DirectoryFilters, result: selectors.DirectoryPage) -> dict[str, object]:
    """The results per department as a choropleth (server-side SVG) and its table."""

    others = urlencode([pair for pair in filters.as_params() if pair[0] != "department"])

    def link(code: str) -> str:
        return f"?{others}&department={code}&vue=carte" if others else f"?department={code}&vue=carte"

    values = {code: float(n) for code, n in result.department_counts.items()}
    return {
        "map_svg": choropleth_svg(
            values,
            level="department",
            title=_("Résultats par département"),
            unit=_("établissements"),
            link=link,
            uid="directory-map",
            table_id="directory-map-table",
        ),
        "map_rows": [row for row in map_table_rows(values, "department", link=link) if row.value],
    }


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's page: identity, establishments, relations, colleges."""
    organisation = selectors.get_organisation_for_user(request.user, pk)
    identity_visible = selectors.can_see_identity(request.user, organisation)
    outgoing, incoming = selectors.organisation_relations(organisation) if identity_visible else ([], [])
    establishments = list(selectors.organisation_establishments(organisation))
    context = {
        "organisation": organisation,
        "display_name": selectors.public_name(organisation) if not identity_visible else organisation.name,
        "identity_visible": identity_visible,
        "can_edit": may_edit_organisation(request.user, organisation),
        "naf_label": selectors.naf_label(organisation.naf_code),
        "headcount_label": HeadcountBand(organisation.headcount_band).label
        if organisation.headcount_band in HeadcountBand.values
        else organisation.headcount_band,
        "establishments": establishments,
        "relations_out": outgoing,
        "relations_in": incoming,
        "colleges": list(organisation.colleges.all()) if organisation.kind == Kind.CLUSTER else [],
        "is_generated": organisation.is_generated or organisation.source == Source.GENERATED,
        "source_licence": SOURCE_LICENCES.get(organisation.source, ""),
    }
    return render(request, "organisations/organisation_detail.html", context)


SOURCE_LICENCES = {  # lazy: translated when the page renders
    Source.SIRENE: gettext_lazy("Licence Ouverte / Open Licence 2.0 (INSEE, base SIRENE)"),
    Source.TECHONMAP: gettext_lazy("ODbL (TechOnMap, La Fonderie)"),
    Source.SEED: gettext_lazy("faits cités par la presse régionale"),
    Source.GENERATED: gettext_lazy("données fictives de démonstration"),
    Source.MANUAL: "",
}


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an organisation's public profile (its editors, regional admins, platform staff)."""
    organisation = selectors.get_organisation_for_user(request.user, pk)
    if not may_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationEditForm.for_organisation(
        organisation, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        changed = update_organisation(user=request.user, organisation=organisation, data=form.cleaned_data)
        if changed:
            messages.success(request, _("Fiche mise à jour."))
        else:
            messages.info(request, _("Aucune modification."))
        return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request, "organisations/organisation_edit.html", {"organisation": organisation, "form": form}
    )


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current search as CSV (streamed) or XLSX/ODS: built here up to EXPORT_MAX_ROWS_INLINE rows,
    above it refused to anonymous visitors and queued for signed-in users (see exports.py)."""
    filters = selectors.DirectoryFilters.from_params(request.GET)
    queryset = selectors.ordered_establishments(filters)
    content_type, _ext = exports.FORMATS[fmt]
    disposition = f'attachment; filename="{exports.filename(fmt)}"'
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(queryset), content_type=content_type)
        response["Content-Disposition"] = disposition
        return response
    inline, most = exports.max_rows_inline(), exports.SPREADSHEET_MAX_ROWS
    count = exports.count_up_to(queryset, most if request.user.is_authenticated else inline)
    query = urlencode(filters.as_params())
    if count > inline:
        if request.user.is_authenticated and count <= most:
            job = exports.request_export(user=request.user, fmt=fmt, query=query)
            return redirect("organisations:export_status", pk=job.pk)
        signed_in = request.user.is_authenticated
        context = {"limit": most if signed_in else inline, "fmt": fmt, "query": query, "signed_in": signed_in}
        return render(request, "organisations/export_too_large.html", context, status=400)
    response = HttpResponse(exports.spreadsheet(queryset, fmt), content_type=content_type)
    response["Content-Disposition"] = disposition
    return response


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A queued export: "in preparation" (the page reloads itself), then its download link."""
    job = exports.get_export_for_user(request.user, pk)
    context = {
        "export": job,
        "expires": job.created_at + exports.EXPORT_RETENTION,
        "pending": job.status == ExportStatus.PENDING,
    }
    return render(request, "organisations/export_status.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of a ready export (its owner only)."""
    job = exports.get_export_for_user(request.user, pk)
    if job.status != ExportStatus.READY:
        return redirect("organisations:export_status", pk=job.pk)
    response = HttpResponse(bytes(job.content), content_type=exports.FORMATS[job.fmt][0])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(job.fmt, job.created_at.date())}"'
    )
    return response


# --- Members, invitations, join requests, regional administration -------------------------


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _account(request: HttpRequest) -> User:
    """The signed-in account of a `login_required` view (typed for the services' `by=`)."""
    return cast("User", request.user)


@login_required
def members(request: HttpRequest, org_id: int) -> HttpResponse:
    """An organisation's admins manage its people: members and roles, invitations, join requests."""
    organisation = selectors.get_administered_organisation(request.user, org_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                by=_account(request),
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("memberships:members", org_id=organisation.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "memberships": list(selectors.organisation_members(organisation)),
        "invitations": list(selectors.pending_invitations(organisation)),
        "join_requests": list(selectors.pending_join_requests(organisation)),
        "roles": Role.choices,
        "admin_count": selectors.admin_count(organisation),
    }
    return render(request, "organisations/members.html", context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_invitation_for_admin(request.user, pk)
    try:
        services.resend_invitation(by=_account(request), invitation=found)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Invitation renvoyée à %(email)s.") % {"email": found.email})
    return redirect("memberships:members", org_id=found.organisation_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_invitation_for_admin(request.user, pk)
    try:
        services.revoke_invitation(by=_account(request), invitation=found)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Invitation de %(email)s annulée.") % {"email": found.email})
    return redirect("memberships:members", org_id=found.organisation_id)


def _back_to_members(request: HttpRequest, organisation: Any) -> HttpResponse:
    """The members page, or the personal space for an admin who just stepped down or left."""
    if may_administer_organisation(request.user, organisation):
        return redirect("memberships:members", org_id=organisation.pk)
    return redirect("accounts:space")


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_admin(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
    else:
        try:
            services.change_role(by=_account(request), membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Rôle modifié."))
    return _back_to_members(request, membership.organisation)


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_admin(request.user, pk)
    try:
        services.remove_member(by=_account(request), membership=membership)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Personne retirée de l'organisation."))
    return _back_to_members(request, membership.organisation)


@login_required
def join(request: HttpRequest, org_id: int) -> HttpResponse:
    """A signed-in person asks to join an organisation of the directory."""
    organisation = selectors.get_organisation_for_user(request.user, org_id)
    if not selectors.can_see_identity(request.user, organisation):
        # Non-diffusible units (often individuals) are joined by invitation only: a request
        # page would reveal the name INSEE does not publish.
        raise Http404
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(
                user=_account(request), organisation=organisation, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("Votre demande a été transmise aux administrateurs de %(name)s.")
                % {"name": organisation.name},
            )
            return redirect("accounts:space")
    return render(request, "organisations/join.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.get_join_request_for_admin(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_join_request(
                by=_account(request),
                join_request=join_request,
                approve=approve,
                role=form.cleaned_data["role"] or Role.MEMBER,
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, _("Demande acceptée.") if approve else _("Demande refusée."))
    return redirect("memberships:members", org_id=join_request.organisation_id)


@login_required
def region_admin(request: HttpRequest) -> HttpResponse:
    """Regional staff: the organisations of their regions with their admins; each links to its
    members page, where they invite an admin."""
    regions = administered_region_codes(request.user)
    if not regions and not is_platform_staff(request.user):
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.region_organisations(request.user, q=q), 50).get_page(request.GET.get("page"))
    context = {
        "regions": Region.objects.filter(code__in=regions).order_by("name"),
        "page": page,
        "q": q,
    }
    return render(request, "organisations/region_admin.html", context)
