"""Public region pages (region, sector of excellence, buyer sector, cluster, one-page sheet) and
the staff pages that curate them (entries, review before publish)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from filiere.core.forms import run_service, service_messages

from . import selectors, services
from .forms import ActionForm, EntryForm, LeadForm, ProspectForm, ReturnForm
from .models import EntryKind, EntryStatus, ProspectStatus

NAV = {"NAV_SECTION": "promotion"}
#: Public pages may be kept by browsers and shared caches for a few minutes (they vary on Cookie).
public_cache = cache_control(max_age=300)


# --- Public pages -----------------------------------------------------------------------------


@public_cache
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "promotion/region_list.html", {**NAV, "regions": selectors.public_regions()})


@public_cache
def region_detail(request: HttpRequest, region: str) -> HttpResponse:
    page = selectors.region_page(selectors.get_region_by_slug(region))
    return render(request, "promotion/region_detail.html", {**NAV, "page": page})


@public_cache
def region_sheet(request: HttpRequest, region: str) -> HttpResponse:
    """The one-page sheet, laid out for A4 (print it or save it as PDF)."""
    page = selectors.region_page(selectors.get_region_by_slug(region))
    return render(request, "promotion/region_sheet.html", {**NAV, "page": page})


@public_cache
def excellence_detail(request: HttpRequest, region: str, slug: str) -> HttpResponse:
    region_obj = selectors.get_region_by_slug(region)
    entry = selectors.get_public_entry(region_obj.code, EntryKind.EXCELLENCE, slug)
    firms = selectors.published_organisations(entry)
    context = {
        **NAV,
        "region": region_obj,
        "region_slug": selectors.region_slug(region_obj),
        "entry": entry,
        "firms": firms,
        "showcased": selectors.showcase_organisation_ids([o.pk for o in firms]),
        "stories": [
            s
            for s in selectors.online_entries(region_obj.code, EntryKind.STORY)
            if set(s.published.get("organisation_ids", [])) & {o.pk for o in firms}
        ],
    }
    return render(request, "promotion/excellence_detail.html", context)


@public_cache
def buyer_sector_detail(request: HttpRequest, region: str, code: str) -> HttpResponse:
    region_obj = selectors.get_region_by_slug(region)
    sector = selectors.get_buyer_sector(code)
    pitch = next(
        (
            e
            for e in selectors.online_entries(region_obj.code, EntryKind.PITCH)
            if e.published.get("buyer_sector") == code
        ),
        None,
    )
    context = {
        **NAV,
        "region": region_obj,
        "region_slug": selectors.region_slug(region_obj),
        "sector": sector,
        "sector_label": selectors.sector_labels().get(sector.code, sector.label),
        "pitch": pitch,
        "profiles": selectors.buyer_sector_firms(region_obj.code, code),
    }
    return render(request, "promotion/buyer_sector_detail.html", context)


@public_cache
def cluster_detail(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    region_obj = selectors.get_region_by_slug(region)
    cluster = selectors.get_cluster_for_region(region_obj, pk)
    context = {
        **NAV,
        "region": region_obj,
        "region_slug": selectors.region_slug(region_obj),
        "cluster": cluster,
        "members": selectors.cluster_members(cluster),
        "events": selectors.cluster_events(cluster),
    }
    return render(request, "promotion/cluster_detail.html", context)


# --- Staff: curated entries -------------------------------------------------------------------


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.regions_curated_by(request.user))
    if not regions:
        raise Http404
    if len(regions) == 1:
        return redirect("promotion:manage_region", regions[0].code)
    return render(
        request,
        "promotion/manage.html",
        {**NAV, "regions": regions, "to_review": selectors.entries_to_review(request.user)},
    )


@login_required
def manage_region(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.get_curated_region(request.user, code)
    entries = selectors.entries_for_staff(request.user, code)
    context = {
        **NAV,
        "region": region,
        "region_slug": selectors.region_slug(region),
        "entries": entries,
        "kinds": EntryKind.choices,
        "to_review": [e for e in selectors.entries_to_review(request.user) if e.region_id == code],
    }
    return render(request, "promotion/manage_region.html", context)


@login_required
def entry_create(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    if kind not in EntryKind.values:
        raise Http404
    selectors.get_curated_region(request.user, code)  # 404 for anyone but the region's staff
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        entry = run_service(
            form,
            lambda data: services.save_entry(
                by=request.user,
                region_code=code,
                kind=kind,
                organisations=data.pop("organisations_text"),
                **data,
            ),
        )
        if entry is not None:
            messages.success(request, _("Brouillon enregistré. Soumettez-le à relecture pour le publier."))
            return redirect("promotion:entry_edit", entry.pk)
    return render(
        request,
        "promotion/entry_form.html",
        {**NAV, "form": form, "kind_label": EntryKind(kind).label, "region_code": code, "entry": None},
    )


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_entry_for_user(request.user, pk)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda data: services.save_entry(
                by=request.user,
                region_code=entry.region_id,
                kind=entry.kind,
                entry=entry,
                organisations=data.pop("organisations_text"),
                **data,
            ),
        )
        if saved is not None:
            messages.success(request, _("Brouillon enregistré."))
            return redirect("promotion:entry_edit", entry.pk)
    context = {
        **NAV,
        "form": form,
        "entry": entry,
        "kind_label": entry.get_kind_display(),
        "region_code": entry.region_id,
        "may_review": selectors.may_review_entry(request.user, entry),
        "return_form": ReturnForm(),
        "statuses": EntryStatus,
    }
    return render(request, "promotion/entry_form.html", context)


ACTIONS = {
    "soumettre": services.submit_entry,
    "publier": services.publish_entry,
    "retirer": services.unpublish_entry,
}


@login_required
@require_POST
def entry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(request.user, pk)
    try:
        if action == "renvoyer":
            services.return_entry(entry=entry, by=request.user, note=request.POST.get("note", ""))
        elif action in ACTIONS:
            ACTIONS[action](entry=entry, by=request.user)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(service_messages(error)))
    else:
        messages.success(request, _("C'est fait."))
    return redirect("promotion:entry_edit", entry.pk)


# --- Staff: territorial marketing ------------------------------------------------------------------


@login_required
def prospect_list(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.get_curated_region(request.user, code)
    prospects = selectors.prospects_of_region(request.user, code)
    form = ProspectForm(request.POST or None)
    if request.method == "POST":
        prospect = run_service(
            form, lambda data: services.save_prospect(by=request.user, region_code=code, **data)
        )
        if prospect is not None:
            return redirect("promotion:prospect_detail", prospect.pk)
    status = request.GET.get("etat", "")
    if status in ProspectStatus.values:
        prospects = prospects.filter(status=status)
    context = {
        **NAV,
        "region": region,
        "prospects": prospects.annotate(n_leads=Count("leads")),
        "form": form,
        "statuses": ProspectStatus.choices,
        "status": status,
        "sector_labels": selectors.sector_labels(),
    }
    return render(request, "promotion/prospect_list.html", context)


@login_required
def prospect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prospect = selectors.get_prospect_for_user(request.user, pk)
    firms = selectors.firms_for_prospect(prospect)
    edit_form = ProspectForm(instance=prospect, prefix="p")
    action_form = ActionForm(prefix="a")
    lead_form = LeadForm(firms=firms, prefix="l", initial={"message": prospect.need})
    what = request.POST.get("what", "")
    if request.method == "POST" and what == "prospect":
        edit_form = ProspectForm(request.POST, instance=prospect, prefix="p")
        if run_service(
            edit_form,
            lambda data: services.save_prospect(
                by=request.user, region_code=prospect.region_id, prospect=prospect, **data
            ),
        ):
            return redirect("promotion:prospect_detail", prospect.pk)
    elif request.method == "POST" and what == "action":
        action_form = ActionForm(request.POST, prefix="a")
        if run_service(
            action_form, lambda data: services.record_action(by=request.user, prospect=prospect, **data)
        ):
            return redirect("promotion:prospect_detail", prospect.pk)
    elif request.method == "POST" and what == "lead":
        lead_form = LeadForm(request.POST, firms=firms, prefix="l")
        by_id = {p.organisation_id: p.organisation for p in firms}
        if run_service(
            lead_form,
            lambda data: services.hand_lead(
                by=request.user,
                prospect=prospect,
                organisation=by_id[data["organisation"]],
                message=data["message"],
            ),
            field="organisation",
        ):
            messages.success(request, _("Piste transmise : l'entreprise a reçu la demande dans sa vitrine."))
            return redirect("promotion:prospect_detail", prospect.pk)
    context = {
        **NAV,
        "prospect": prospect,
        "edit_form": edit_form,
        "action_form": action_form,
        "lead_form": lead_form,
        "has_firms": bool(firms),
        "actions": prospect.actions.all(),
        "leads": selectors.lead_rows(prospect),
    }
    return render(request, "promotion/prospect_detail.html", context)


@login_required
def marketing_results(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.get_curated_region(request.user, code)
    rows = selectors.marketing_results(code)
    return render(request, "promotion/marketing_results.html", {**NAV, "region": region, "rows": rows})
