"""Writes to the training offer made by people on the platform (imports live in importers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from filiere.matching.services import extract_skills
from filiere.matching.text import UserTextError
from filiere.organisations.selectors import organisation_region_codes

from .models import Course, CourseSkill, CourseSource, Session, SkillOrigin
from .selectors import can_edit_course, training_bodies_editable_by

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

COURSE_TEXT_FIELDS = ("title", "objectives", "expected_results", "description")


def refresh_extracted_skills(course: Course) -> int:
    """Replace the skills found in the course text by the matching engine; manual and imported
    links stay. Returns the number of extracted skills."""

    text = "\n".join(getattr(course, name) for name in COURSE_TEXT_FIELDS if getattr(course, name))
    try:
        found = {m.skill_id: m.score for m in extract_skills(text, limit=25)}
    except UserTextError:
        found = {}
    course.skill_links.filter(origin=SkillOrigin.EXTRACTED).exclude(skill_id__in=found).delete()
    existing = set(course.skill_links.values_list("skill_id", flat=True))
    CourseSkill.objects.bulk_create(
        [
            CourseSkill(course=course, skill_id=skill, origin=SkillOrigin.EXTRACTED, score=round(score, 4))
            for skill, score in found.items()
            if skill not in existing
        ]
    )
    return len(found)


@transaction.atomic
def create_course(*, user: User, data: dict[str, Any]) -> Course:
    """Create a course for a training body `user` edits and find its skills in its text.

    Raises PermissionDenied when `user` may not edit `data["organisation"]`.
    """
    organisation = data["organisation"]
    if not training_bodies_editable_by(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas ajouter de formation pour cet organisme.")
    course = Course.objects.create(source=CourseSource.MANUAL, **data)
    refresh_extracted_skills(course)
    return course


@transaction.atomic
def update_course(*, user: User, course: Course, data: dict[str, Any]) -> list[str]:
    """Apply a person's edit of a course; changed fields join `edited_fields` so an import never
    overwrites them. Returns the changed field names. Raises PermissionDenied without rights."""
    if not can_edit_course(user, course):
        raise PermissionDenied("Vous ne pouvez pas modifier cette formation.")
    organisation = data.get("organisation")
    if organisation is not None and organisation.pk != course.organisation_id:
        if not training_bodies_editable_by(user).filter(pk=organisation.pk).exists():
            raise PermissionDenied("Vous ne pouvez pas rattacher la formation à cet organisme.")
    changed = [name for name, value in data.items() if getattr(course, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(course, name, data[name])
    course.edited_fields = sorted(set(course.edited_fields or []) | set(changed))
    course.save()
    if set(changed) & set(COURSE_TEXT_FIELDS):
        refresh_extracted_skills(course)
    return changed


@transaction.atomic
def save_session(*, user: User, course: Course, session: Session, commune: Any | None) -> Session:
    """Create or update a session of `course` (validated by `SessionForm`); the place comes from
    the commune (department and region denormalised), none for distance learning."""
    if not can_edit_course(user, course):
        raise PermissionDenied("Vous ne pouvez pas modifier cette formation.")
    session.course = course
    session.commune = commune
    session.city = commune.name if commune else ""
    session.department_code = commune.department_id if commune else ""
    if commune is not None:
        session.region_code = commune.region_id
    elif not session.region_code:
        regions = sorted(organisation_region_codes(course.organisation))
        session.region_code = regions[0] if regions else ""
    if session.pk:
        session.edited_fields = sorted(
            set(session.edited_fields or []) | {"start_date", "end_date", "places", "status"}
        )
    session.save()
    return session
