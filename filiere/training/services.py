"""Writes to the training offer made by people on the platform (imports live in importers; a
web upload is queued here for the task worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from filiere.core.models import ImportRun
from filiere.core.uploads import queue_run
from filiere.matching.services import extract_skills
from filiere.matching.text import UserTextError
from filiere.organisations.selectors import organisation_region_codes

from . import tasks
from .importers import check_readable, guess_format
from .importers.records import RUN_KIND
from .models import Course, CourseSkill, CourseSource, Session, SkillOrigin
from .selectors import can_edit_course, can_import_training, training_bodies_editable_by

if TYPE_CHECKING:
    from filiere.accounts.permissions import User, Viewer

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


def queue_training_import(*, user: Viewer, upload: Any, fmt: str = "") -> ImportRun:
    """Queue a training-offer file uploaded on the import page: a quick check of its first bytes
    (raises `TrainingFormatError`, nothing stored), then the file stored and its run recorded
    "queued", and `tasks.import_training_file` enqueued on commit to import it in the worker (a
    regional LHÉO feed of tens of MB takes minutes: never in the request)."""
    if not can_import_training(user):
        raise PermissionDenied
    fmt = guess_format(upload.name or "", fmt or None)
    check_readable(upload, fmt=fmt)
    user_id = user.pk if user is not None else None
    run = queue_run(kind=RUN_KIND, upload=upload, options={"format": fmt, "user_id": user_id})
    transaction.on_commit(lambda: tasks.import_training_file.enqueue(run.pk))
    return run
