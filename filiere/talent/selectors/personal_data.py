"""A person's data under the GDPR: the export of everything the platform keeps about a job seeker,
and the log of who read their file."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from filiere.matching import services as engine

from ..dashboard import Dashboard, Figures, Follow, programme_dashboard  # noqa: F401 (the selector)
from ..models import (
    AccessLog,
    Application,
    JobSeeker,
)

if TYPE_CHECKING:
    pass


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_seeker_data(seeker: JobSeeker) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data (right of access)."""
    profile = {
        "id": seeker.pk,
        "first_name": seeker.first_name,
        "last_name": seeker.last_name,
        "email": seeker.email,
        "phone": seeker.phone,
        "gender": seeker.gender,
        "birth_year": seeker.birth_year,
        "commune": seeker.commune_id,
        "department": seeker.department_code,
        "region": seeker.region_code,
        "summary": seeker.summary,
        "previous_occupation": seeker.previous_occupation,
        "skills": [s.label for s in seeker.skills.all()],
        "skills_found_in_cv": engine.skill_labels(seeker.extracted_skill_ids),
        "wished_rome_appellations": [
            {"code": a.code_ogr, "label": a.label} for a in seeker.wished_appellations.all()
        ],
        "wished_rome_metiers": [{"code": m.code, "label": m.label} for m in seeker.wished_metiers.all()],
        "wished_esco_occupations": [
            {"uri": o.uri, "label": o.label_fr} for o in seeker.wished_occupations.all()
        ],
        "mobility_radius_km": seeker.mobility_radius_km,
        "mobility_departments": seeker.mobility_departments,
        "contract_wishes": seeker.contract_wishes,
        "available_from": _date(seeker.available_from),
        "structure": seeker.structure.name,
        "adviser": seeker.adviser.get_full_name() or seeker.adviser.username if seeker.adviser else None,
        "created_at": _date(seeker.created_at),
        "last_activity_at": _date(seeker.last_activity_at),
    }
    files = []
    for file in seeker.files.select_related("cohort__programme").prefetch_related(
        "transitions__by", "outcomes"
    ):
        files.append(
            {
                "programme": file.cohort.programme.name,
                "cohort": file.cohort.name,
                "state": file.state,
                "applied_on": _date(file.applied_on),
                "placed_on": _date(file.placed_on),
                "history": [
                    {
                        "from": t.from_state,
                        "to": t.to_state,
                        "at": _date(t.at),
                        "by": t.by.username if t.by else None,
                        "reason": t.reason,
                    }
                    for t in file.transitions.all()
                ],
                "outcomes": [
                    {"months": o.months, "status": o.status, "observed_on": _date(o.observed_on)}
                    for o in file.outcomes.all()
                ],
            }
        )
    return {
        "generated_for": str(seeker),
        "profile": profile,
        "consents": [
            {"purpose": c.purpose, "given_at": _date(c.given_at), "withdrawn_at": _date(c.withdrawn_at)}
            for c in seeker.consents.all()
        ],
        "applications": [
            {
                "offer": a.offer.title,
                "company": a.offer.organisation.name,
                "status": a.status,
                "refusal_reason": a.refusal_reason,
                "sent_at": _date(a.created_at),
                "message": a.message,
                "history": [
                    {"from": t.from_status, "to": t.to_status, "at": _date(t.at), "reason": t.reason}
                    for t in a.transitions.all()
                ],
            }
            for a in Application.objects.filter(seeker=seeker)
            .select_related("offer__organisation")
            .prefetch_related("transitions")
        ],
        "files": files,
        "access_log": [
            {"at": _date(log.at), "by": log.user.username if log.user else None, "what": log.what}
            for log in AccessLog.objects.filter(seeker=seeker).select_related("user")
        ],
    }


def access_log(seeker: JobSeeker, *, limit: int = 50) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(seeker=seeker).select_related("user")[:limit]
