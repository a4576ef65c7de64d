"""Directory pages: search with facets, organisation page and edit form, exports.

Every organisation named in a URL is resolved by `selectors.get_organisation_for_user`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from filiere.accounts.permissions import may_edit_organisation

from . import exports, selectors
from .forms import OrganisationEditForm
from .models import HeadcountBand, Kind, Source
from .services import update_organisation


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The directory: a GET form (works without JavaScript); HTMX requests get the results partial."""
    filters = selectors.DirectoryFilters.from_params(request.GET)
    result = selectors.search_directory(filters, page=_page_number(request))
    query = urlencode(filters.as_params())
    context = {
        "filters": filters,
        "result": result,
        "rows": selectors.present_results(result.results),
        "query": query,
        "page_prefix": f"?{query}&page=" if query else "?page=",
        "export_formats": list(exports.FORMATS),
    }
    template = "organisations/search.html"
    # A history-restore request (back button after the cache expired) needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    """The current search as CSV (streamed), XLSX or ODS (capped, see exports.SPREADSHEET_MAX_ROWS)."""
    filters = selectors.DirectoryFilters.from_params(request.GET)
    queryset = selectors.ordered_establishments(filters)
    content_type, _ext = exports.FORMATS[fmt]
    disposition = f'attachment; filename="{exports.filename(fmt)}"'
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(queryset), content_type=content_type)
        response["Content-Disposition"] = disposition
        return response
    count = queryset.values("id")[: exports.SPREADSHEET_MAX_ROWS + 1].count()
    if count > exports.SPREADSHEET_MAX_ROWS:
        query = urlencode(filters.as_params())
        return render(
            request,
            "organisations/export_too_large.html",
            {"limit": exports.SPREADSHEET_MAX_ROWS, "fmt": fmt, "query": query},
            status=400,
        )
    response = HttpResponse(exports.spreadsheet(queryset, fmt), content_type=content_type)
    response["Content-Disposition"] = disposition
    return response
