"""JSON API of the talent app (mounted at /api/talent/): open offers, a programme's dashboard,
a person's best offers. The same selectors as the pages, with the same access rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["talent"])


class OfferOut(Schema):
    id: int
    title: str
    organisation: str
    department_code: str
    contract: str
    positions: int
    rome_metier: str | None
    skills: list[str]


class FollowOut(Schema):
    months: int
    known: int
    employed: int
    back_to_work_rate: float | None
    not_yet_due: int
    due_unknown: int


class FiguresOut(Schema):
    label: str
    files: int
    trainees: int
    completed: int
    completion_rate: float | None
    outcome6_known: int
    employed6: int
    back_to_work_rate: float | None
    outcomes: list[FollowOut]


class DashboardOut(Schema):
    programme: str
    total: FiguresOut
    by_cohort: list[FiguresOut]
    by_year: list[FiguresOut]
    by_gender: list[FiguresOut]
    by_age: list[FiguresOut]
    by_department: list[FiguresOut]


class MatchOut(Schema):
    offer_id: int
    title: str
    organisation: str
    score: float
    matched_skills: list[str]
    occupation_match: bool
    distance_km: float | None
    contract_fit: bool | None
    explanation: list[str]


def _offer(offer: Any) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "title": offer.title,
        "organisation": offer.organisation.name,
        "department_code": offer.department_code,
        "contract": offer.contract,
        "positions": offer.positions,
        "rome_metier": offer.rome_metier_id,
        "skills": selectors.engine.skill_labels(offer.skill_ids),
    }


@router.get("/offers", response=list[OfferOut])
def list_offers(request: HttpRequest, department: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """Open job offers, newest first (optionally in one department)."""
    offers = selectors.open_offers()
    if department:
        offers = offers.filter(department_code=department[:3])
    return [_offer(o) for o in offers[: max(1, min(limit, 200))]]


@router.get("/offers/{offer_id}", response=OfferOut)
def get_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    """One offer (open offers are public)."""
    return _offer(selectors.get_offer_for_user(request.user, offer_id))


@router.get("/programmes/{programme_id}/dashboard", response=DashboardOut)
def programme_dashboard(request: HttpRequest, programme_id: int, year: int | None = None) -> dict[str, Any]:
    """A programme's figures: files, trainees, completion, and the situation at 3, 6 and 12 months
    (known, employed, back-to-work rate, not yet due, due but unknown), per cohort, year, gender,
    age band and department."""
    programme = selectors.get_programme_for_user(request.user, programme_id)
    board = selectors.programme_dashboard(programme, year=year)
    return {
        "programme": programme.name,
        "total": board.total.as_dict(),
        "by_cohort": [f.as_dict() for f in board.by_cohort],
        "by_year": [f.as_dict() for f in board.by_year],
        "by_gender": [f.as_dict() for f in board.by_gender],
        "by_age": [f.as_dict() for f in board.by_age],
        "by_department": [f.as_dict() for f in board.by_department],
    }


@router.get("/seekers/{seeker_id}/offers", response=list[MatchOut])
def seeker_offers(request: HttpRequest, seeker_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """A person's best offers with explanations (advisers of the person; access is logged)."""
    seeker = selectors.get_seeker_for_user(request.user, seeker_id, what="offres (API)")
    return [
        {
            "offer_id": m.offer.pk,
            "title": m.offer.title,
            "organisation": m.offer.organisation.name,
            "score": m.score,
            "matched_skills": m.matched_skills,
            "occupation_match": m.occupation_match,
            "distance_km": round(m.distance_km, 1) if m.distance_km is not None else None,
            "contract_fit": m.contract_fit,
            "explanation": m.explanation,
        }
        for m in selectors.best_offers_for_seeker(seeker, limit=max(1, min(limit, 50)))
    ]
