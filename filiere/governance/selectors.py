"""Reads of the governance app: who may see and do what (the access functions every view and
service goes through), and the figures shared by pages, exports and roadmap indicators.

Roles (docs/governance.md): the **board** of a cluster (its staff in the directory, the people
seated in its board body, platform staff and the region's staff) sees and manages everything of
the cluster; a college's **officers** manage their college (applications, exclusions); a
**member** (the firm's people, or the person) sees their own membership, fees and receipts and
edits its contacts; a **funder**'s people see the funding lines they fund; everyone reads the
public register of decisions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from filiere.accounts import permissions
from filiere.accounts.models import Membership as AccountMembership
from filiere.accounts.permissions import Viewer
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import College, Kind, Organisation

from .models import (
    ZERO,
    Body,
    BodyKind,
    CollegeRules,
    Decision,
    FeeCall,
    FundingLine,
    LedgerEntry,
    Meeting,
    Membership,
    MembershipStatus,
    Merger,
    MergerStatus,
    Payment,
)

# --- Rights --------------------------------------------------------------------------------


def is_board(user: Viewer, cluster: Organisation | int | None) -> bool:
    """The cluster's board: its staff (editors/admins), people seated in its board, platform
    staff and staff of a region where it has an establishment."""
    if not permissions.is_signed_in(user) or cluster is None:
        return False
    if organisation_permissions.may_edit_organisation(user, cluster):
        return True
    cluster_id = cluster if isinstance(cluster, int) else cluster.pk
    return Body.objects.filter(cluster_id=cluster_id, kind=BodyKind.BOARD, seats__user=user).exists()


def may_manage_college(user: Viewer, college: College | None) -> bool:
    """A college's officers, and the cluster's board."""
    if college is None or not permissions.is_signed_in(user):
        return False
    if College.objects.filter(pk=college.pk, rules__officers=user).exists():
        return True
    return is_board(user, college.cluster_id)


def may_act_for(user: Viewer, organisation: Organisation) -> bool:
    """Apply or resign in a firm's name: its editors/admins (and whoever may edit it)."""
    return organisation_permissions.may_edit_organisation(user, organisation)


def is_member_side(user: Viewer, membership: Membership, *, editing: bool = False) -> bool:
    """The member itself: the person, or the firm's people (its editors when `editing`)."""
    if not permissions.is_signed_in(user):
        return False
    if membership.person_id is not None:
        return membership.person_id == user.pk
    roles = permissions.EDITING_ROLES if editing else permissions.ADVISER_ROLES
    return permissions.has_role(user, membership.organisation_id, roles) or (
        editing and organisation_permissions.may_edit_organisation(user, membership.organisation_id)
    )


def clusters_of_board(user: Viewer) -> QuerySet[Organisation]:
    """The clusters whose board `user` belongs to (staff of the cluster or seated in its board)."""
    if not permissions.is_signed_in(user):
        return Organisation.objects.none()
    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    if permissions.is_platform_staff(user):
        return clusters.filter(Q(colleges__isnull=False) | Q(mergers_into__isnull=False)).distinct()
    ids = permissions.organisation_ids_of(user, permissions.EDITING_ROLES)
    seated = Body.objects.filter(kind=BodyKind.BOARD, seats__user=user).values("cluster_id")
    return clusters.filter(Q(pk__in=ids) | Q(pk__in=seated)).distinct()


def colleges_of_officer(user: Viewer) -> QuerySet[College]:
    if not permissions.is_signed_in(user):
        return College.objects.none()
    return College.objects.filter(rules__officers=user).select_related("cluster")


def memberships_of(user: Viewer) -> QuerySet[Membership]:
    """The memberships `user` holds: their own, and those of the firms they belong to."""
    if not permissions.is_signed_in(user):
        return Membership.objects.none()
    firms = permissions.organisation_ids_of(user)
    return (
        Membership.objects.filter(Q(person=user) | Q(organisation_id__in=firms))
        .select_related("cluster", "college", "organisation")
        .order_by("-created_at")
    )


def funding_lines_of_funder(user: Viewer) -> QuerySet[FundingLine]:
    if not permissions.is_signed_in(user):
        return FundingLine.objects.none()
    return FundingLine.objects.filter(funder_id__in=permissions.organisation_ids_of(user)).select_related(
        "cluster", "funder"
    )


def get_cluster_for_board(user: Viewer, pk: int) -> Organisation:
    """A cluster the user runs: 404 when not a cluster, 403 when not on its board."""
    cluster = Organisation.objects.filter(pk=pk, kind=Kind.CLUSTER).first()
    if cluster is None:
        raise Http404
    if not is_board(user, cluster):
        raise PermissionDenied
    return cluster


def get_cluster(pk: int) -> Organisation:
    """A cluster of the directory (public: its register of decisions, its colleges)."""
    cluster = Organisation.objects.filter(pk=pk, kind=Kind.CLUSTER).first()
    if cluster is None:
        raise Http404
    return cluster


def get_college_for_user(user: Viewer, pk: int) -> College:
    """A college its officers and the board manage: 404 otherwise (applications are private)."""
    college = College.objects.select_related("cluster").filter(pk=pk).first()
    if college is None or not may_manage_college(user, college):
        raise Http404
    return college


def get_membership_for_user(user: Viewer, pk: int) -> Membership:
    """A membership seen by the member itself, its college's officers and the board; 404 else."""
    membership = (
        Membership.objects.select_related("cluster", "college", "organisation", "person")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    if not (is_member_side(user, membership) or may_manage_college(user, membership.college)):
        raise Http404
    return membership


def get_fee_call_for_board(user: Viewer, pk: int) -> FeeCall:
    """A fee call, for recording a payment: hidden (404) unless one may see its membership,
    403 unless on the board."""
    call = FeeCall.objects.select_related("membership__cluster").filter(pk=pk).first()
    if call is None:
        raise Http404
    get_membership_for_user(user, call.membership_id)
    if not is_board(user, call.membership.cluster_id):
        raise PermissionDenied
    return call


def get_payment_for_user(user: Viewer, pk: int) -> Payment:
    """A payment (its receipt) for whoever may see the membership it pays."""
    payment = Payment.objects.select_related("fee_call__membership__cluster").filter(pk=pk).first()
    if payment is None:
        raise Http404
    get_membership_for_user(user, payment.fee_call.membership_id)
    return payment


def get_merger_for_user(user: Viewer, pk: int) -> Merger:
    """A merger, managed by the board of the cluster it makes; hidden from everyone else."""
    merger = Merger.objects.select_related("cluster").filter(pk=pk).first()
    if merger is None or not is_board(user, merger.cluster_id):
        raise Http404
    return merger


def get_college_for_setup(user: Viewer, pk: int) -> College:
    """A college's set-up pages (rules, fee grid, officers): its officers and the board; 403 for
    the others (a cluster's colleges and their rules are public: the application form lists them).
    What the board alone sets (statutes, officers) is checked by the view and the service."""
    college = College.objects.select_related("cluster").filter(pk=pk).first()
    if college is None:
        raise Http404
    if not may_manage_college(user, college):
        raise PermissionDenied
    return college


def merger_candidates(cluster: Organisation) -> QuerySet[Organisation]:
    """The associations a merger may take into `cluster`: clusters and communities of the
    directory (the cluster's region first when it has establishments), not yet merged."""
    found = Organisation.objects.filter(kind__in=[Kind.CLUSTER, Kind.COMMUNITY]).exclude(pk=cluster.pk)
    found = found.exclude(merged_in__status=MergerStatus.DONE)
    regions = list(cluster.establishments.exclude(region_code="").values_list("region_code", flat=True))
    if regions:
        found = found.filter(establishments__region_code__in=regions)
    return found.distinct().order_by("name")


def get_funding_line_for_user(user: Viewer, pk: int) -> FundingLine:
    """A funding line: the cluster's board and the funder's people; 404 for others."""
    line = FundingLine.objects.select_related("cluster", "funder").filter(pk=pk).first()
    if line is None:
        raise Http404
    if is_board(user, line.cluster_id) or line.funder_id in permissions.organisation_ids_of(user):
        return line
    raise Http404


def get_meeting_for_board(user: Viewer, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("body__cluster").filter(pk=pk).first()
    if meeting is None or not is_board(user, meeting.body.cluster_id):
        raise Http404
    return meeting


# --- Mail recipients -----------------------------------------------------------------------


def fee_recipients(membership: Membership) -> list[str]:
    """Who gets a member's fee calls: its contacts marked so, else the person, else the firm's
    admins."""
    emails = list(membership.contacts.filter(receives_fee_calls=True).values_list("email", flat=True))
    if emails:
        return emails
    if membership.person_id and membership.person.email:  # type: ignore[union-attr]
        return [membership.person.email]  # type: ignore[union-attr]
    if membership.organisation_id:
        admins = AccountMembership.objects.filter(
            organisation_id=membership.organisation_id, role__in=permissions.ADMIN_ROLES
        ).select_related("user")
        return [m.user.email for m in admins if m.user.email]
    return []


def officer_emails(college: College | None) -> list[str]:
    if college is None:
        return []
    rules = CollegeRules.objects.filter(college=college).first()
    return [u.email for u in rules.officers.all() if u.email] if rules else []


# --- History and figures -------------------------------------------------------------------


def lineage(cluster: Organisation) -> list[Organisation]:
    """The cluster and every association merged into it (recursively), the cluster first."""
    seen = [cluster]
    frontier = [cluster.pk]
    while frontier:
        found = list(
            Organisation.objects.filter(merged_in__cluster_id__in=frontier).exclude(
                pk__in=[o.pk for o in seen]
            )
        )
        seen.extend(found)
        frontier = [o.pk for o in found]
    return seen


def predecessors(cluster: Organisation) -> list[Organisation]:
    return lineage(cluster)[1:]


def history(cluster: Organisation) -> QuerySet[Membership]:
    """Every membership of the cluster and of its predecessors: the history the merger kept."""
    return (
        Membership.objects.filter(cluster__in=lineage(cluster))
        .select_related("cluster", "college", "organisation", "person", "merged_into")
        .order_by("organisation__name", "joined_on")
    )


def members_by_college(cluster: Organisation) -> list[dict[str, Any]]:
    """Active members per college (and no college)."""
    rows = (
        Membership.objects.active()
        .filter(cluster=cluster)
        .values("college__name")
        .annotate(n=Count("pk"))
        .order_by("college__name")
    )
    return [{"college": r["college__name"] or "—", "members": r["n"]} for r in rows]


def members_by_year(cluster: Organisation, years: range) -> list[dict[str, Any]]:
    """Members of the cluster and its predecessors at the end of each year, per college, size
    band and department: a firm counted once a year even if it belonged to several associations."""
    memberships = Membership.objects.filter(cluster__in=lineage(cluster)).exclude(
        status__in=[MembershipStatus.PENDING, MembershipStatus.REFUSED]
    ).values(
        "organisation_id", "person_id", "joined_on", "ended_on", "college__name", "cluster__name",
        "organisation__headcount_band",
    )  # fmt: skip
    rows = []
    for year in years:
        end = dt.date(year, 12, 31)
        members = {}
        for m in memberships:
            if m["joined_on"] and m["joined_on"] <= end and (m["ended_on"] is None or m["ended_on"] >= end):
                key = ("o", m["organisation_id"]) if m["organisation_id"] else ("p", m["person_id"])
                members[key] = m
        by_college = Counter(m["college__name"] or m["cluster__name"] for m in members.values())
        by_band = Counter(m["organisation__headcount_band"] or "?" for m in members.values())
        rows.append(
            {"year": year, "members": len(members), "by_college": dict(by_college), "by_band": dict(by_band)}
        )
    return rows


def members_by_department(cluster: Organisation) -> dict[str, int]:
    """Active member firms per department of their head office (or first establishment)."""
    counts: dict[str, int] = defaultdict(int)
    rows = (
        Membership.objects.active()
        .filter(cluster=cluster, organisation__isnull=False)
        .values_list("organisation_id", "organisation__establishments__department_code")
    )
    seen = set()
    for org, dep in rows:
        if org not in seen:
            seen.add(org)
            counts[dep or "?"] += 1
    return dict(sorted(counts.items()))


def fees_by_year(cluster: Organisation) -> list[dict[str, Any]]:
    """Fees called and paid per year, the predecessors' history included."""
    rows = (
        FeeCall.objects.filter(membership__cluster__in=lineage(cluster))
        .values("year")
        .annotate(called=Sum("amount"), paid=Sum("paid"), calls=Count("pk"))
        .order_by("year")
    )
    return [dict(r) for r in rows]


def funding_totals(cluster: Organisation) -> dict[str, Decimal]:
    totals = FundingLine.objects.filter(cluster=cluster).aggregate(
        requested=Sum("requested"), granted=Sum("granted"), paid=Sum("paid")
    )
    return {k: v or ZERO for k, v in totals.items()}


def funding_for_actions(action_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Granted and paid money of the funding lines attached to roadmap actions, per action (one
    query, whatever the number of actions; actions without a line are absent)."""
    rows = (
        FundingLine.objects.filter(action_id__in=action_ids)
        .exclude(status="refused")
        .values("action_id")
        .annotate(granted=Sum("granted"), paid=Sum("paid"))
        .order_by()
    )
    return {
        row["action_id"]: {"granted": row["granted"] or ZERO, "paid": row["paid"] or ZERO} for row in rows
    }


def working_capital(cluster: Organisation, *, today: dt.date | None = None) -> dict[str, Any]:
    """The ledger's balance and the months of activity it covers at the last twelve months'
    average monthly expenses (None when no expense was recorded)."""
    today = today or dt.date.today()
    entries = LedgerEntry.objects.filter(cluster=cluster)
    balance = entries.aggregate(s=Sum("amount"))["s"] or ZERO
    spent = -(
        entries.filter(amount__lt=0, date__gt=today - dt.timedelta(days=365), date__lte=today).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    monthly = spent / 12 if spent else ZERO
    months = (balance / monthly).quantize(Decimal("0.1")) if monthly else None
    return {"balance": balance, "monthly_expenses": monthly.quantize(Decimal("0.01")), "months": months}


def quorum(meeting: Meeting) -> dict[str, Any]:
    """Seats, present, represented (by proxy) and whether the body's quorum is reached."""
    seats = meeting.body.seats.count()
    attendances = meeting.attendances.all()
    present = sum(1 for a in attendances if a.present)
    represented = sum(1 for a in attendances if not a.present and a.proxy_to_id)
    reached = bool(seats) and Decimal(present + represented) >= meeting.body.quorum * seats
    return {"seats": seats, "present": present, "represented": represented, "reached": reached}


def public_register(cluster: Organisation) -> QuerySet[Decision]:
    """The decisions the cluster's bodies made public, newest first."""
    return (
        Decision.objects.filter(meeting__body__cluster=cluster, is_public=True, adopted__isnull=False)
        .select_related("meeting__body")
        .prefetch_related("college_votes")
    )


def public_register_with_quorum(cluster: Organisation) -> list[tuple[Decision, dict[str, Any]]]:
    """The public register, each decision with its meeting's quorum (`quorum`: seats present,
    represented, reached), counted once per meeting."""
    decisions = list(public_register(cluster).prefetch_related("meeting__attendances"))
    quorums: dict[int, dict[str, Any]] = {}
    for decision in decisions:
        if decision.meeting_id not in quorums:
            quorums[decision.meeting_id] = quorum(decision.meeting)
    return [(d, quorums[d.meeting_id]) for d in decisions]


def regional_cluster_ids(region_code: str) -> list[int]:
    """Clusters with governance data (colleges) and an establishment in the region."""
    return list(
        Organisation.objects.filter(
            kind=Kind.CLUSTER, colleges__isnull=False, establishments__region_code=region_code
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def unpaid_calls(cluster: Organisation, year: int) -> QuerySet[FeeCall]:
    """The year's fee calls not fully paid, oldest due first."""
    return (
        FeeCall.objects.filter(membership__cluster=cluster, year=year, paid__lt=F("amount"))
        .select_related("membership__organisation", "membership__person")
        .order_by("due_on", "pk")
    )
