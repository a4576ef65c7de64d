"""Pages of the governance app: my memberships, applying, a college's applications, a membership
(history, fees, receipts, contacts), the board's dashboard (fee call, payments, bank and ledger
imports, funding, figures and export), the merger's review, the public register."""

from __future__ import annotations

from typing import cast

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.accounts.models import User
from filiere.core.exports import FORMATS, safe_value
from filiere.core.forms import run_service, service_messages
from filiere.core.imports import ImportReport
from filiere.core.params import parse_int
from filiere.governance import merger as merger_services
from filiere.governance import selectors, services
from filiere.governance.bodies import selectors as bodies_selectors
from filiere.governance.forms import ApplyForm, ContactForm, FundingForm, PaymentForm
from filiere.governance.models import DuplicatePair, FundingStatus, MembershipStatus, PairDecision
from filiere.governance.receipts import receipt_pdf
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import College

MAX_UPLOAD = 20 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    # Every view that acts is behind login_required: the user is an account.
    return cast(User, request.user)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(service_messages(error)))


def _upload(request: HttpRequest) -> tuple[str, bytes] | None:
    upload = request.FILES.get("fichier")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("Choisissez un fichier (20 Mo au plus)."))
        return None
    return upload.name or "", upload.read()


def _report_message(request: HttpRequest, report: ImportReport) -> None:
    counts = report.counts
    text = _(
        "%(created)d ajoutées, %(updated)d mises à jour, %(unchanged)d inchangées, %(rejected)d rejetées."
    ) % {
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "unchanged": counts.get("unchanged", 0),
        "rejected": counts.get("rejected", 0),
    }
    messages.success(request, text)
    for rejection in report.rejections[:20]:
        messages.warning(
            request,
            _("Ligne %(line)s, %(field)s : %(message)s")
            % {"line": rejection.line, "field": rejection.field, "message": rejection.message},
        )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everything governance of the person: memberships, colleges, boards, funded lines."""
    context = {
        "memberships": selectors.memberships_of(request.user),
        "colleges": selectors.colleges_of_officer(request.user),
        "clusters": selectors.clusters_of_board(request.user),
        "funded": selectors.funding_lines_of_funder(request.user),
    }
    return render(request, "governance/home.html", context)


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster(pk)
    colleges = College.objects.filter(cluster=cluster)
    organisations = organisation_permissions.organisations_editable_by(request.user).order_by("name")
    form = ApplyForm(request.POST or None, colleges=colleges, organisations=organisations)
    if request.method == "POST":
        membership = run_service(
            form,
            lambda d: services.apply(
                college=d["college"],
                organisation=d["organisation"],
                by=_user(request),
                headcount=d["headcount"],
                turnover=d["turnover"],
            ),  # fmt: skip
        )
        if membership is not None:
            messages.success(request, _("Demande d'adhésion enregistrée."))
            return redirect("governance:membership", membership.pk)
    return render(request, "governance/apply.html", {"cluster": cluster, "form": form})


@login_required
def college(request: HttpRequest, pk: int) -> HttpResponse:
    college = selectors.get_college_for_user(request.user, pk)
    memberships = college.memberships.select_related("organisation", "person").order_by(
        "status", "organisation__name"
    )
    context = {
        "college": college,
        "pending": [m for m in memberships if m.status == MembershipStatus.PENDING],
        "members": [m for m in memberships if m.status != MembershipStatus.PENDING],
        "rules": services.rules_of(college),
        "bands": college.fee_bands.all(),
        "board": selectors.is_board(request.user, college.cluster_id),
    }
    return render(request, "governance/college.html", context)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_user(request.user, pk)
    action = request.POST.get("decision", "")
    try:
        if action in ("approve", "refuse"):
            services.decide(membership=membership, by=_user(request), approve=action == "approve")
        elif action in (MembershipStatus.RESIGNED, MembershipStatus.EXCLUDED):
            services.end_membership(
                membership=membership,
                by=_user(request),
                status=action,
                note=request.POST.get("note", "")[:255],
            )
    except ValidationError as error:
        _refused(request, error)
    if request.POST.get("back") == "college" and membership.college_id:
        return redirect("governance:college", membership.college_id)
    return redirect("governance:membership", pk)


@login_required
def membership(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_user(request.user, pk)
    may_edit = selectors.is_member_side(request.user, membership, editing=True)
    contact_form = ContactForm(request.POST or None)
    if request.method == "POST":
        if run_service(
            contact_form, lambda d: services.save_contact(membership=membership, by=_user(request), data=d)
        ):
            messages.success(request, _("Contact ajouté."))
            return redirect("governance:membership", pk)
    calls = list(membership.fee_calls.prefetch_related("payments"))
    board = selectors.is_board(request.user, membership.cluster_id)
    context = {
        "membership": membership,
        "events": membership.events.select_related("by"),
        "calls": [(c, services.call_reference(c)) for c in calls],
        "contacts": membership.contacts.all(),
        "former": membership.former_memberships.select_related("cluster").prefetch_related("fee_calls"),
        "may_edit": may_edit,
        "may_manage": selectors.may_manage_college(request.user, membership.college),
        "board": board,
        "contact_form": contact_form,
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
    }
    return render(request, "governance/membership.html", context)


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_user(request.user, pk)
    contact = membership.contacts.filter(pk=contact_pk).first()
    if contact is not None:
        services.delete_contact(contact=contact, by=_user(request))
    return redirect("governance:membership", pk)


@login_required
@require_POST
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_fee_call_for_board(request.user, pk)
    form = PaymentForm(request.POST)
    if run_service(
        form,
        lambda d: services.record_payment(
            fee_call=call,
            amount=d["amount"],
            paid_on=d["paid_on"],
            method=d["method"],
            reference=d["reference"],
            by=_user(request),
        ),  # fmt: skip
    ):
        messages.success(request, _("Paiement enregistré."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("governance:membership", call.membership_id)


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.get_payment_for_user(request.user, pk)
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recu-{payment.receipt_number}.pdf"'
    return response


@login_required
def cluster(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's page: colleges, members, fees, money, mergers."""
    cluster = selectors.get_cluster_for_board(request.user, pk)
    year = timezone.localdate().year
    context = {
        "cluster": cluster,
        "year": year,
        "colleges": selectors.members_by_college(cluster),
        "college_list": College.objects.filter(cluster=cluster),
        "departments": selectors.members_by_department(cluster),
        "fees": selectors.fees_by_year(cluster),
        "funding": cluster.funding_lines.select_related("funder"),
        "funding_totals": selectors.funding_totals(cluster),
        "capital": selectors.working_capital(cluster),
        "mergers": cluster.mergers_into.all(),
        "predecessors": selectors.predecessors(cluster),
        "pending": cluster.cluster_memberships.filter(status=MembershipStatus.PENDING).select_related(
            "organisation", "college"
        ),
        "unpaid": selectors.unpaid_calls(cluster, year)[:50],
    }
    return render(request, "governance/cluster.html", context)


@login_required
@require_POST
def call_fees(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster_for_board(request.user, pk)
    year = parse_int(request.POST.get("year")) or timezone.localdate().year
    count = services.call_fees(cluster=cluster, year=year, by=_user(request))
    messages.success(request, _("%(n)d appels de cotisation %(year)d émis.") % {"n": count, "year": year})
    return redirect("governance:cluster", pk)


@login_required
@require_POST
def bank_import(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster_for_board(request.user, pk)
    upload = _upload(request)
    if upload is not None:
        _report_message(request, services.import_bank_csv(cluster=cluster, data=upload[1], by=_user(request)))
    return redirect("governance:cluster", pk)


@login_required
@require_POST
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = selectors.get_cluster_for_board(request.user, pk)
    upload = _upload(request)
    if upload is not None:
        _report_message(
            request, services.import_ledger_csv(cluster=cluster, data=upload[1], by=_user(request))
        )
    return redirect("governance:cluster", pk)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every membership of the cluster and its predecessors, and the members per year."""
    cluster = selectors.get_cluster_for_board(request.user, pk)
    year = timezone.localdate().year
    context = {
        "cluster": cluster,
        "predecessors": selectors.predecessors(cluster),
        "memberships": selectors.history(cluster)[:2000],
        "years": selectors.members_by_year(cluster, range(year - 8, year + 1)),
    }
    return render(request, "governance/history.html", context)


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The members of the cluster (and the history) as CSV or XLSX."""
    cluster = selectors.get_cluster_for_board(request.user, pk)
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    data = tablib.Dataset(
        headers=[
            _("Membre"),
            _("SIREN"),
            _("Association"),
            _("Collège"),
            _("Statut"),
            _("Depuis"),
            _("Jusqu'au"),
        ]
    )
    for m in selectors.history(cluster):
        data.append(
            [
                safe_value(m.member_name), safe_value(m.organisation.siren if m.organisation else ""),
                safe_value(m.cluster.name), safe_value(m.college.name if m.college else ""),
                safe_value(m.get_status_display()), m.joined_on, m.ended_on,
            ]
        )  # fmt: skip
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(data.export(fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="membres-{cluster.pk}.{extension}"'
    return response


def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The public register of the decisions of a cluster's (or a Region's) bodies."""
    cluster = bodies_selectors.get_owner(pk)
    context = {"cluster": cluster, "decisions": selectors.public_register_with_quorum(cluster)}
    return render(request, "governance/register.html", context)


@login_required
def merger(request: HttpRequest, pk: int) -> HttpResponse:
    merger = selectors.get_merger_for_user(request.user, pk)
    predecessors = list(merger.predecessors.all())
    counts = {a.pk: merger.records.filter(association=a).count() for a in predecessors}
    colleges = College.objects.in_bulk(list(merger.college_map.values()))
    context = {
        "merger": merger,
        "associations": [
            (a, counts[a.pk], colleges.get(merger.college_map.get(str(a.pk)))) for a in predecessors
        ],
        "firms": merger.records.values("entity").distinct().count(),
        "pairs": merger.pairs.filter(decision=PairDecision.PENDING).select_related(
            "left__association", "right__association"
        )[:100],
        "decided": merger.pairs.exclude(decision=PairDecision.PENDING).count(),
    }
    return render(request, "governance/merger.html", context)


@login_required
@require_POST
def merger_upload(request: HttpRequest, pk: int) -> HttpResponse:
    merger = selectors.get_merger_for_user(request.user, pk)
    association = merger.predecessors.filter(pk=parse_int(request.POST.get("association")) or 0).first()
    upload = _upload(request)
    if association is None:
        messages.error(request, _("Choisissez l'association dont c'est le fichier."))
    elif upload is not None:
        try:
            report = merger_services.read_member_file(
                merger=merger,
                association=association,
                filename=upload[0],
                data=upload[1],
                by=_user(request),
            )
            merger_services.find_duplicates(merger=merger, by=_user(request))
            _report_message(request, report)
        except ValidationError as error:
            _refused(request, error)
    return redirect("governance:merger", pk)


@login_required
@require_POST
def merger_pair(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    merger = selectors.get_merger_for_user(request.user, pk)
    pair = DuplicatePair.objects.filter(merger=merger, pk=pair_pk).select_related("merger").first()
    if pair is not None:
        try:
            merger_services.decide_pair(pair=pair, by=_user(request), same=request.POST.get("same") == "1")
        except ValidationError as error:
            _refused(request, error)
    return redirect("governance:merger", pk)


@login_required
@require_POST
def merger_apply(request: HttpRequest, pk: int) -> HttpResponse:
    merger = selectors.get_merger_for_user(request.user, pk)
    try:
        counts = merger_services.apply_merger(merger=merger, by=_user(request))
    except ValidationError as error:
        _refused(request, error)
        return redirect("governance:merger", pk)
    messages.success(
        request,
        _("Fusion réalisée : %(firms)d membres, %(former)d adhésions antérieures reprises.")
        % {"firms": counts["firms"], "former": counts["former_memberships"]},
    )
    return redirect("governance:history", merger.cluster_id)


@login_required
def funding(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.get_funding_line_for_user(request.user, pk)
    board = selectors.is_board(request.user, line.cluster_id)
    form = FundingForm(
        request.POST or None, initial={"status": line.status, "granted": line.granted, "paid": line.paid}
    )
    if request.method == "POST":
        if not board:
            raise PermissionDenied
        if run_service(
            form,
            lambda d: services.update_funding(
                line=line,
                by=_user(request),
                status=d["status"],
                granted=d["granted"],
                paid=d["paid"],
                note=d["note"],
            ),
        ):
            return redirect("governance:funding", pk)
    context = {"line": line, "board": board, "form": form, "statuses": FundingStatus.choices}
    return render(request, "governance/funding.html", context)
