"""Matching API: skill extraction and occupation linking (anonymous, read-only computations).

Errors on user text (empty, binary) are 422 responses with a French `detail`, never a 500.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from filiere.matching import services

router = Router(tags=["matching"])

MAX_API_CHARS = 100_000


class MatchingExtractIn(Schema):
    text: str


class MatchingSkillOut(Schema):
    skill_id: int
    label: str
    score: float
    start: int
    end: int
    surface: str


class MatchingExtractOut(Schema):
    skills: list[MatchingSkillOut]
    truncated: bool
    message: str


class MatchingLinkIn(Schema):
    title: str
    top: int = 10


class MatchingOccupationOut(Schema):
    kind: str
    code: str
    label: str
    score: float
    metier_code: str


class MatchingLinkOut(Schema):
    occupations: list[MatchingOccupationOut]


class MatchingErrorOut(Schema):
    detail: str


@router.post("/extract", response={200: MatchingExtractOut, 422: MatchingErrorOut}, auth=None)
def extract(request: HttpRequest, payload: MatchingExtractIn) -> Status:
    """Skills of the taxonomy mentioned in a French text, with their spans in it."""
    try:
        clean = services.clean_user_text(payload.text, max_chars=MAX_API_CHARS)
        skills = services.extract_skills(clean)
    except services.UserTextError as exc:
        return Status(422, {"detail": exc.message})
    message = services.truncation_message(MAX_API_CHARS) if clean.truncated else ""
    return Status(
        200, {"skills": [s.__dict__ for s in skills], "truncated": clean.truncated, "message": message}
    )


@router.post("/link-occupations", response={200: MatchingLinkOut, 422: MatchingErrorOut}, auth=None)
def link(request: HttpRequest, payload: MatchingLinkIn) -> Status:
    """ESCO occupations, ROME appellations and métiers ranked for a job title."""
    try:
        links = services.link_occupations(payload.title, top=max(1, min(payload.top, 50)))
    except services.UserTextError as exc:
        return Status(422, {"detail": exc.message})
    return Status(200, {"occupations": [link.__dict__ for link in links]})
