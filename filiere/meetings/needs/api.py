"""JSON API of the buyers' needs (mounted at /api/buyer-needs/), read-only: the pages do the writes.

The same access functions and selectors as the pages (`get_need_for_user`, `need_invitations`,
`need_figures`, `proposals`, `needs_of_buyer`, `invitations_received`), so the numbers never drift
apart: a need hidden from the person is 404 (a confidential need for a firm not invited), the
comparison is the buyer's and staff's (403 for the others who see the need), the proposals the
buyer's (403).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors
from .models import BuyerNeed, NeedInvitation

router = Router(tags=["buyer-needs"])


class BuyerNeedRefusalOut(Schema):
    """Refused: the person sees the need but may not read this part of it."""

    detail: str


class BuyerNeedOut(Schema):
    need_id: int
    organisation_id: int
    organisation: str
    kind: str
    title: str
    description: str
    themes: str
    skills: list[str]
    budget_min: int | None
    budget_max: int | None
    deadline: dt.date
    region_code: str
    department_code: str | None
    confidential: bool
    status: str
    published_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str


class BuyerNeedFiguresOut(Schema):
    invited: int
    opened: int
    answered: int
    declined: int
    shortlisted: int
    selected: int
    answer_rate: float
    mean_amount: int | None


class BuyerNeedDetailOut(BuyerNeedOut):
    figures: BuyerNeedFiguresOut | None  # the buyer side and staff only


class BuyerNeedPathOut(Schema):
    """One organisation's path on a need, every step with its time."""

    invitation_id: int
    need_id: int
    organisation_id: int
    organisation: str
    source: str
    status: str
    match_reasons: str
    notified_at: dt.datetime | None
    reminded_at: dt.datetime | None  # the one reminder (needs/reminders.py), if it went
    opened_at: dt.datetime | None
    answered_at: dt.datetime | None
    declined_at: dt.datetime | None
    shortlisted_at: dt.datetime | None
    selected_at: dt.datetime | None


class BuyerNeedAnswerOut(BuyerNeedPathOut):
    answer: str
    amount: int | None
    delay_days: int | None
    has_attachment: bool


class BuyerNeedProposalOut(Schema):
    organisation_id: int
    name: str
    kind: str
    reasons: str
    invited: bool


def _need(need: BuyerNeed) -> dict:
    return {
        "need_id": need.pk,
        "organisation_id": need.organisation_id,
        "organisation": need.organisation.name,
        "kind": need.kind,
        "title": need.title,
        "description": need.description,
        "themes": need.themes,
        "skills": list(need.skills.order_by("label").values_list("label", flat=True)),
        "budget_min": need.budget_min,
        "budget_max": need.budget_max,
        "deadline": need.deadline,
        "region_code": need.region_id,
        "department_code": need.department_id,
        "confidential": need.confidential,
        "status": need.status,
        "published_at": need.published_at,
        "closed_at": need.closed_at,
        "outcome": need.outcome,
    }


def _path(invitation: NeedInvitation) -> dict:
    return {
        "invitation_id": invitation.pk,
        "need_id": invitation.need_id,
        "organisation_id": invitation.organisation_id,
        "organisation": invitation.organisation.name,
        "source": invitation.source,
        "status": invitation.status,
        "match_reasons": invitation.match_reasons,
        "notified_at": invitation.notified_at,
        "reminded_at": invitation.reminded_at,
        "opened_at": invitation.opened_at,
        "answered_at": invitation.answered_at,
        "declined_at": invitation.declined_at,
        "shortlisted_at": invitation.shortlisted_at,
        "selected_at": invitation.selected_at,
    }


@router.get("/mine", response=list[BuyerNeedOut])
def my_needs(request: HttpRequest) -> list[BuyerNeedOut]:
    """The needs of the organisations the signed-in person belongs to ("Mes besoins")."""
    return [BuyerNeedOut(**_need(n)) for n in selectors.needs_of_buyer(request.user)[:500]]


@router.get("/received", response=list[BuyerNeedPathOut])
def received(request: HttpRequest) -> list[BuyerNeedPathOut]:
    """The paths of the person's organisations on published or closed needs ("Besoins reçus")."""
    return [BuyerNeedPathOut(**_path(i)) for i in selectors.invitations_received(request.user)[:500]]


@router.get("/{need_id}", response=BuyerNeedDetailOut)
def need_detail(request: HttpRequest, need_id: int) -> BuyerNeedDetailOut:
    """A need the person sees; its figures for the buyer side and staff."""
    need = selectors.get_need_for_user(request.user, need_id)
    figures = None
    if selectors.may_see_path(request.user, need):
        figures = BuyerNeedFiguresOut(**vars(selectors.need_figures(need)))
    return BuyerNeedDetailOut(**_need(need), figures=figures)


@router.get("/{need_id}/answers", response={200: list[BuyerNeedAnswerOut], 403: BuyerNeedRefusalOut})
def answers(request: HttpRequest, need_id: int) -> list[BuyerNeedAnswerOut]:
    """Every path with its answer, as on the comparison page (the buyer and staff)."""
    need = selectors.get_need_for_user(request.user, need_id)
    if not (selectors.is_buyer(request.user, need) or selectors.is_staff_for(request.user, need)):
        raise PermissionDenied
    return [
        BuyerNeedAnswerOut(
            **_path(i),
            answer=i.answer,
            amount=i.amount,
            delay_days=i.delay_days,
            has_attachment=bool(i.attachment_name),
        )
        for i in selectors.need_invitations(need)
    ]


@router.get("/{need_id}/proposals", response={200: list[BuyerNeedProposalOut], 403: BuyerNeedRefusalOut})
def proposals(request: HttpRequest, need_id: int) -> list[BuyerNeedProposalOut]:
    """The matching engine's proposals with their reasons (the buyer's editors and admins)."""
    need = selectors.get_need_for_user(request.user, need_id, manage=True)
    return [
        BuyerNeedProposalOut(
            organisation_id=p.organisation_id, name=p.name, kind=p.kind, reasons=p.reasons, invited=p.invited
        )
        for p in selectors.proposals(need).all
    ]
