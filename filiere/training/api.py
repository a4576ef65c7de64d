"""JSON API of the training app (mounted at /api/training/): courses, sessions, map, reconversion.

Reads go through the same selectors as the pages, so the numbers can never drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from . import selectors
from .forms import CourseSearchForm, GroupForm
from .models import Course, Session
from .reconversion import UnknownOccupation, as_dict, group_reconversion, reconversion_path

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    course_id: int
    start_date: dt.date
    end_date: dt.date
    distance_learning: bool
    city: str
    department_code: str
    region_code: str
    places: int | None
    status: str


class CourseSummaryOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation_name: str
    duration_hours: int | None
    certification_code: str
    funding: list[str]
    teaching_mode: str
    next_sessions: list[SessionOut]
    explanation: list[str]


class SkillOut(Schema):
    id: int
    label: str
    origin: str


class CourseDetailOut(Schema):
    id: int
    title: str
    organisation_id: int
    organisation_name: str
    objectives: str
    expected_results: str
    description: str
    duration_hours: int | None
    certification_code: str
    certification_label: str
    formacode_codes: list[str]
    rome_codes: list[str]
    funding: list[str]
    teaching_mode: str
    is_published: bool
    skills: list[SkillOut]
    sessions: list[SessionOut]


class CourseQuery(Schema):
    q: str = ""
    region: str = ""
    department: str = ""
    distance: bool = False
    funding: str = ""
    certified: bool = False
    start_after: dt.date | None = None
    start_before: dt.date | None = None


class MapCellOut(Schema):
    family: str
    department_code: str
    places: int


class OfferMapOut(Schema):
    families: dict[str, str]
    departments: dict[str, str]
    cells: list[MapCellOut]
    total: int


class MissingSkillOut(Schema):
    id: int
    label: str


class CourseMatchOut(Schema):
    course_id: int
    title: str
    organisation_name: str
    covered_skill_ids: list[int]
    distance_learning: bool
    next_sessions: list[SessionOut]


class TargetOut(Schema):
    code: str
    label: str
    score: float
    overlap: float
    mobility_rank: int | None
    in_demand: bool
    explanation: str
    shared_skills: list[str]
    missing_skills: list[MissingSkillOut]
    courses: list[CourseMatchOut]


class ReconversionOut(Schema):
    source_code: str
    source_label: str
    linked_from: str
    targets: list[TargetOut]


class GroupIn(Schema):
    group: str
    region: str = ""
    only_in_demand: bool = False


class GroupTargetOut(Schema):
    code: str
    label: str
    people: int
    sources: list[str]
    in_demand: bool


class GroupSkillOut(Schema):
    id: int
    label: str
    people: int
    places: int


class GroupOut(Schema):
    people: int
    targets: list[GroupTargetOut]
    missing_skills: list[GroupSkillOut]
    places_needed: int
    places_available: int


def _session(s: Session) -> dict:
    return {
        "id": s.pk,
        "course_id": s.course_id,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "distance_learning": s.distance_learning,
        "city": s.city,
        "department_code": s.department_code,
        "region_code": s.region_code,
        "places": s.places,
        "status": s.status,
    }


def _errors(form: object) -> str:
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())  # type: ignore[attr-defined]


@router.get("/courses", response=list[CourseSummaryOut], summary="Formations avec une session à venir")
def list_courses(request: HttpRequest, query: Query[CourseQuery]) -> list[dict]:
    form = CourseSearchForm({k: v for k, v in query.dict().items() if v not in (None, False, "")})
    if not form.is_valid():
        raise HttpError(422, _errors(form))
    return [
        {
            "id": row.course.pk,
            "title": row.course.title,
            "organisation_id": row.course.organisation_id,
            "organisation_name": row.course.organisation.name,
            "duration_hours": row.course.duration_hours,
            "certification_code": row.course.certification_code,
            "funding": row.course.funding or [],
            "teaching_mode": row.course.teaching_mode,
            "next_sessions": [_session(s) for s in row.next_sessions],
            "explanation": row.explanation,
        }
        for row in selectors.search_courses(request.user, form.filters())
    ]


@router.get("/courses/{course_id}", response=CourseDetailOut, summary="Formation avec ses sessions")
def get_course(request: HttpRequest, course_id: int) -> dict:
    course: Course = selectors.get_course_for_user(request.user, course_id)
    return {
        "id": course.pk,
        "title": course.title,
        "organisation_id": course.organisation_id,
        "organisation_name": course.organisation.name,
        "objectives": course.objectives,
        "expected_results": course.expected_results,
        "description": course.description,
        "duration_hours": course.duration_hours,
        "certification_code": course.certification_code,
        "certification_label": course.certification_label,
        "formacode_codes": course.formacode_codes or [],
        "rome_codes": course.rome_codes or [],
        "funding": course.funding or [],
        "teaching_mode": course.teaching_mode,
        "is_published": course.is_published,
        "skills": [{"id": i, "label": label, "origin": o} for i, label, o in selectors.course_skills(course)],
        "sessions": [_session(s) for s in selectors.course_sessions(course)],
    }


@router.get("/sessions/{session_id}", response=SessionOut, summary="Session d'une formation")
def get_session(request: HttpRequest, session_id: int) -> dict:
    return _session(selectors.get_session_for_user(request.user, session_id))


@router.get("/map", response=OfferMapOut, summary="Places prévues par famille de compétences et département")
def offer_map(request: HttpRequest, region: str = "") -> dict:
    if region and not (len(region) <= 3 and region.isalnum()):
        raise HttpError(422, "region: code de région inconnu")
    table = selectors.offer_map(region_code=region or None)
    return {
        "families": dict(table.families),
        "departments": dict(table.departments),
        "cells": [
            {"family": f, "department_code": d, "places": n} for (f, d), n in sorted(table.cells.items())
        ],
        "total": table.total,
    }


@router.get("/reconversion", response=ReconversionOut, summary="Parcours de reconversion depuis un métier")
def reconversion(
    request: HttpRequest, occupation: str, region: str = "", only_in_demand: bool = False, limit: int = 10
) -> dict:
    if region and not (len(region) <= 3 and region.isalnum()):
        raise HttpError(422, "region: code de région inconnu")
    try:
        path = reconversion_path(
            occupation[:300],
            region_code=region or None,
            only_in_demand=only_in_demand,
            limit=max(1, min(limit, 30)),
        )
    except UnknownOccupation as exc:
        raise HttpError(422, str(exc)) from exc
    targets = []
    for target in path.targets:
        data = as_dict(target)
        data["courses"] = [
            {
                "course_id": m.course.pk,
                "title": m.course.title,
                "organisation_name": m.course.organisation.name,
                "covered_skill_ids": m.covered_skill_ids,
                "distance_learning": m.distance_learning,
                "next_sessions": [_session(s) for s in m.next_sessions],
            }
            for m in target.courses
        ]
        targets.append(data)
    return {
        "source_code": path.source_code,
        "source_label": path.source_label,
        "linked_from": path.linked_from,
        "targets": targets,
    }


@router.post(
    "/reconversion/group", response=GroupOut, summary="Reconversion d'un groupe (métiers × effectifs)"
)
def reconversion_group(request: HttpRequest, payload: GroupIn) -> dict:
    form = GroupForm(payload.dict())
    if not form.is_valid():
        raise HttpError(422, _errors(form))
    result = group_reconversion(
        form.cleaned_data["group"],
        region_code=form.cleaned_data["region"] or None,
        only_in_demand=form.cleaned_data["only_in_demand"],
    )
    return {
        "people": result.people,
        "targets": [t.__dict__ for t in result.targets],
        "missing_skills": [
            {"id": m.skill_id, "label": m.label, "people": m.people, "places": m.places}
            for m in result.missing_skills
        ],
        "places_needed": result.places_needed,
        "places_available": result.places_available,
    }
