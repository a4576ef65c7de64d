"""JSON API of the governance app (mounted at /api/governance/): a cluster's public register of
decisions (open to all), the signed-in person's memberships, and a cluster's figures for its
board.

Reads go through the same selectors as the pages (`selectors.get_cluster`,
`selectors.public_register`, `selectors.memberships_of`, `selectors.get_cluster_for_board` and
the figures), so the rights and the numbers are the pages'. Read-only: every write is done on the
pages (forms with CSRF protection).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from filiere.accounts import permissions

from . import selectors
from .bodies import selectors as bodies_selectors
from .models import Decision

router = Router(tags=["governance"])


class GovernanceRefusalOut(Schema):
    """Refused: not signed in, or not on the cluster's board."""

    detail: str


class GovernanceCollegeVoteOut(Schema):
    college: str  # empty: all voters (no college)
    yes: int
    no: int
    abstain: int
    weight: Decimal


class GovernanceDecisionOut(Schema):
    id: int
    title: str
    text: str
    body: str
    body_kind: str
    meeting_at: dt.datetime
    adopted: bool
    weighted_yes: Decimal  # share of the statutory weight that voted yes, 0 to 1
    votes: list[GovernanceCollegeVoteOut]


def _decision(decision: Decision) -> GovernanceDecisionOut:
    return GovernanceDecisionOut(
        id=decision.pk,
        title=decision.title,
        text=decision.text,
        body=decision.meeting.body.name,
        body_kind=decision.meeting.body.kind,
        meeting_at=decision.meeting.starts_at,
        adopted=bool(decision.adopted),
        weighted_yes=decision.weighted_yes,
        votes=[
            GovernanceCollegeVoteOut(
                college=v.college.name if v.college else "",
                yes=v.yes,
                no=v.no,
                abstain=v.abstain,
                weight=v.weight,
            )
            for v in decision.college_votes.all()
        ],
    )


@router.get("/clusters/{cluster_id}/register", response=list[GovernanceDecisionOut])
def register(request: HttpRequest, cluster_id: int) -> list[GovernanceDecisionOut]:
    """The cluster's public register: the decisions its bodies published, newest first, with
    the vote per college and the weighted result (the page /gouvernance/clusters/<id>/registre/)."""
    cluster = bodies_selectors.get_owner(cluster_id)
    decisions = selectors.public_register(cluster).prefetch_related("college_votes__college")
    return [_decision(d) for d in decisions]


class GovernanceMembershipOut(Schema):
    id: int
    cluster_id: int
    cluster: str
    college: str
    member: str
    organisation_id: int | None
    status: str
    joined_on: dt.date | None
    ended_on: dt.date | None


@router.get("/memberships", response={200: list[GovernanceMembershipOut], 403: GovernanceRefusalOut})
def my_memberships(request: HttpRequest) -> list[GovernanceMembershipOut]:
    """The signed-in person's memberships: their own and their organisations' (403 when not
    signed in)."""
    if not permissions.is_signed_in(request.user):
        raise PermissionDenied("Connectez-vous.")
    return [
        GovernanceMembershipOut(
            id=m.pk,
            cluster_id=m.cluster_id,
            cluster=m.cluster.name,
            college=m.college.name if m.college else "",
            member=m.member_name,
            organisation_id=m.organisation_id,
            status=m.status,
            joined_on=m.joined_on,
            ended_on=m.ended_on,
        )
        for m in selectors.memberships_of(request.user).select_related("person")
    ]


class GovernanceCollegeCountOut(Schema):
    college: str
    members: int


class GovernanceFeesOut(Schema):
    year: int
    calls: int
    called: Decimal
    paid: Decimal


class GovernanceFundingOut(Schema):
    requested: Decimal
    granted: Decimal
    paid: Decimal


class GovernanceCapitalOut(Schema):
    balance: Decimal
    monthly_expenses: Decimal
    months: Decimal | None  # months of activity covered; None without recorded expenses


class GovernanceFiguresOut(Schema):
    cluster_id: int
    cluster: str
    members_by_college: list[GovernanceCollegeCountOut]
    members_by_department: dict[str, int]
    fees_by_year: list[GovernanceFeesOut]
    funding: GovernanceFundingOut
    working_capital: GovernanceCapitalOut


@router.get("/clusters/{cluster_id}/figures", response={200: GovernanceFiguresOut, 403: GovernanceRefusalOut})
def figures(request: HttpRequest, cluster_id: int) -> GovernanceFiguresOut:
    """The board's figures (the cluster's page): active members per college and department,
    fees called and paid per year (the predecessors' included), funding totals, working capital.
    403 for whoever is not on the cluster's board, 404 when it is no cluster."""
    cluster = selectors.get_cluster_for_board(request.user, cluster_id)
    return GovernanceFiguresOut(
        cluster_id=cluster.pk,
        cluster=cluster.name,
        members_by_college=[
            GovernanceCollegeCountOut(**row) for row in selectors.members_by_college(cluster)
        ],
        members_by_department=selectors.members_by_department(cluster),
        fees_by_year=[
            GovernanceFeesOut(year=r["year"], calls=r["calls"], called=r["called"], paid=r["paid"])
            for r in selectors.fees_by_year(cluster)
        ],
        funding=GovernanceFundingOut(**selectors.funding_totals(cluster)),
        working_capital=GovernanceCapitalOut(**selectors.working_capital(cluster)),
    )
