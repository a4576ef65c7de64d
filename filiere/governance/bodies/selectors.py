"""Reads of a cluster's bodies (general assembly, board, colleges, consultative body): who may see
and run them, their seats, meetings, attendance, quorum and votes.

Rights (docs/governance.md, "Who may do what"): the **board** of the body's owner
(`selectors.is_board`: the cluster's staff, people seated in its board, its region's staff,
platform staff) runs every body; a person **seated** in a body sees that body, its meetings,
their convocation, attendance, decisions and minutes, and changes nothing (403); anyone else
is not told the body exists (404); the public and members read only the public register.

A body belongs to a cluster, or to a public body such as a Region (Nouvelle-Aquitaine's
consultative body on its digital strategy, seed 002): `OWNER_KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from filiere.accounts import permissions
from filiere.accounts.permissions import Viewer
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import College, Kind, Organisation

from .. import selectors
from ..models import Attendance, Body, CollegeVote, Decision, Meeting, Seat

#: Organisations whose bodies these pages run: clusters, and public bodies (a Region's council).
OWNER_KINDS = (Kind.CLUSTER, Kind.PUBLIC_BODY)


# --- Rights --------------------------------------------------------------------------------


def is_seated(user: Viewer, body: Body) -> bool:
    """`user` holds a seat in `body`."""
    return permissions.is_signed_in(user) and body.seats.filter(user=user).exists()


def may_see_body(user: Viewer, body: Body) -> bool:
    """The owner's board and the body's own seats."""
    return selectors.is_board(user, body.cluster_id) or is_seated(user, body)


def get_owner(pk: int) -> Organisation:
    """A cluster or public body whose bodies' public decisions form a register (open to all)."""
    owner = Organisation.objects.filter(pk=pk, kind__in=OWNER_KINDS).first()
    if owner is None:
        raise Http404
    return owner


def get_owner_for_board(user: Viewer, pk: int) -> Organisation:
    """A cluster (or public body) whose bodies `user` runs: 404 when it cannot own bodies, 403
    when `user` is not on its board (the organisation itself is public in the directory)."""
    owner = get_owner(pk)
    if not selectors.is_board(user, owner):
        raise PermissionDenied
    return owner


def get_body_for_user(user: Viewer, pk: int, *, manage: bool = False) -> Body:
    """A body: its board and its seats see it (others: 404); only the board changes it
    (`manage`; a seat: 403)."""
    body = Body.objects.select_related("cluster", "college").filter(pk=pk).first()
    if body is None or not may_see_body(user, body):
        raise Http404
    if manage and not selectors.is_board(user, body.cluster_id):
        raise PermissionDenied
    return body


def get_meeting_for_user(user: Viewer, pk: int, *, manage: bool = False) -> Meeting:
    """A meeting of a body, under the body's rules (`get_body_for_user`)."""
    meeting = Meeting.objects.select_related("body__cluster").filter(pk=pk).first()
    if meeting is None or not may_see_body(user, meeting.body):
        raise Http404
    if manage and not selectors.is_board(user, meeting.body.cluster_id):
        raise PermissionDenied
    return meeting


def get_decision_for_user(user: Viewer, pk: int, *, manage: bool = False) -> Decision:
    """A decision of a meeting, under the body's rules (`get_body_for_user`)."""
    decision = Decision.objects.select_related("meeting__body__cluster").filter(pk=pk).first()
    if decision is None or not may_see_body(user, decision.meeting.body):
        raise Http404
    if manage and not selectors.is_board(user, decision.meeting.body.cluster_id):
        raise PermissionDenied
    return decision


# --- Lists ---------------------------------------------------------------------------------


def bodies_of(owner: Organisation) -> QuerySet[Body]:
    """The owner's bodies, with their number of seats and meetings."""
    return (
        Body.objects.filter(cluster=owner)
        .select_related("college")
        .prefetch_related("seats", Prefetch("meetings", queryset=Meeting.objects.order_by("-starts_at")))
    )


def owners_run_by(user: Viewer) -> list[Organisation]:
    """Clusters and public bodies whose bodies `user` runs: the clusters of their board, and the
    organisations with bodies they may edit (a Region's staff for the Region's council)."""
    if not permissions.is_signed_in(user):
        return []
    owners = {o.pk: o for o in selectors.clusters_of_board(user)}
    with_bodies = Organisation.objects.filter(kind__in=OWNER_KINDS, bodies__isnull=False).distinct()
    if not permissions.is_platform_staff(user):
        with_bodies = with_bodies.filter(pk__in=organisation_permissions.organisations_editable_by(user))
    for owner in with_bodies:
        owners.setdefault(owner.pk, owner)
    return sorted(owners.values(), key=lambda o: o.name)


def seats_of(user: Viewer) -> QuerySet[Seat]:
    """The seats `user` holds, with their body and its owner."""
    if not permissions.is_signed_in(user):
        return Seat.objects.none()
    return Seat.objects.filter(user=user).select_related("body__cluster").order_by("body__name")


def organisation_of_seat(seat: Seat) -> str:
    """The organisation a seat represents (`Seat.organisation`), else the member firm of its
    membership, else nothing (the person alone)."""
    if seat.organisation_id and seat.organisation:
        return seat.organisation.name
    if seat.membership_id and seat.membership and seat.membership.organisation_id:
        return seat.membership.organisation.name  # type: ignore[union-attr]
    return ""


def minutes_visible(user: Viewer, meeting: Meeting) -> bool:
    """The board reads the minutes as soon as they are written (a draft); the seats once
    published."""
    if not meeting.minutes:
        return False
    return meeting.minutes_published_at is not None or selectors.is_board(user, meeting.body.cluster_id)


@dataclass
class SeatRow:
    seat: Seat
    name: str
    organisation: str
    college: str


def seat_rows(body: Body) -> list[SeatRow]:
    """The body's seats with the person's name, organisation and college, in seat order."""
    seats = list(
        body.seats.select_related(
            "user", "college", "organisation", "membership__organisation", "membership__college"
        )
    )
    rows = []
    for seat in seats:
        college = seat.college or (seat.membership.college if seat.membership else None)
        rows.append(
            SeatRow(
                seat=seat,
                name=person_name(seat),
                organisation=organisation_of_seat(seat),
                college=college.name if college else "",
            )
        )
    return rows


def person_name(seat: Seat) -> str:
    user = seat.user
    return user.get_full_name() or user.email or user.username


# --- Attendance and quorum -----------------------------------------------------------------


def attendance_by_seat(meeting: Meeting) -> dict[int, Attendance]:
    """The recorded attendance of a meeting, by seat id (empty before it is recorded)."""
    return {a.seat_id: a for a in meeting.attendances.all()}


@dataclass
class Quorum:
    seats: int
    present: int
    represented: int
    required: int  # seats present or represented needed
    reached: bool
    recorded: bool  # attendance has been recorded


def quorum(meeting: Meeting) -> Quorum:
    """The quorum from the recorded attendance (`selectors.quorum`, the rule the vote checks),
    with the number of seats it takes."""
    counted = selectors.quorum(meeting)
    share = meeting.body.quorum * counted["seats"]
    required = int(share) if share == int(share) else int(share) + 1
    return Quorum(
        seats=counted["seats"],
        present=counted["present"],
        represented=counted["represented"],
        required=required,
        reached=counted["reached"],
        recorded=meeting.attendances.exists(),
    )


# --- Votes ---------------------------------------------------------------------------------


def vote_colleges(owner: Organisation) -> list[College]:
    """The colleges whose votes a decision of the owner's bodies counts (none: one count)."""
    return list(College.objects.filter(cluster=owner).order_by("name"))


@dataclass
class VoteRow:
    college: str
    yes: int
    no: int
    abstain: int
    weight: Decimal
    share_yes: Decimal | None  # yes among the votes cast, None when nobody voted


@dataclass
class DecisionResult:
    decision: Decision
    rows: list[VoteRow] = field(default_factory=list)
    counted: bool = False
    adopted: bool | None = None
    weighted_yes: Decimal = Decimal("0")


def decision_result(decision: Decision) -> DecisionResult:
    """A decision's votes per college, as `services.count_votes` stored them, and its result."""
    votes: list[CollegeVote] = list(decision.college_votes.select_related("college").order_by("pk"))
    rows = [
        VoteRow(
            college=v.college.name if v.college else "",
            yes=v.yes,
            no=v.no,
            abstain=v.abstain,
            weight=v.weight,
            share_yes=(Decimal(v.yes) / Decimal(v.yes + v.no)).quantize(Decimal("0.0001"))
            if v.yes + v.no
            else None,
        )
        for v in votes
    ]
    return DecisionResult(
        decision=decision,
        rows=rows,
        counted=decision.adopted is not None,
        adopted=decision.adopted,
        weighted_yes=decision.weighted_yes,
    )


def decisions_of(meeting: Meeting) -> list[DecisionResult]:
    return [decision_result(d) for d in meeting.decisions.prefetch_related("college_votes__college")]
