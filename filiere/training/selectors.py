"""Reads of the training offer, shared by the views, the API and other apps (talent, needs).

Other apps call only `courses_covering`, `supply_by_skill_and_department`, `session_supply`,
`get_course_for_user` and `skill_families`; their names and arguments are a contract (new
arguments are keyword-only with defaults).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filiere.accounts.permissions import is_platform_staff, is_signed_in
from filiere.core.models import ImportRun
from filiere.core.text import fold
from filiere.matching.services import extract_skills
from filiere.matching.text import UserTextError
from filiere.organisations.models import Kind, Organisation
from filiere.organisations.permissions import may_edit_organisation, organisations_editable_by
from filiere.taxonomy.families import OTHER, family_choices, family_for
from filiere.taxonomy.models import Skill
from filiere.territories.models import Department

from .models import Course, CourseSkill, Funding, Session, SessionStatus

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

TRAINING_KINDS = (Kind.TRAINING_BODY, Kind.SCHOOL)
SUPPLY_HORIZON_DAYS = 365
NEXT_SESSIONS = 3


# --- Access ---------------------------------------------------------------------------------


def training_bodies_editable_by(user: Viewer) -> QuerySet[Organisation]:
    """Training bodies and schools whose courses `user` may create and edit (editors/admins of
    the organisation, administrators of one of its regions, platform staff)."""
    return organisations_editable_by(user).filter(kind__in=TRAINING_KINDS).order_by("name")


def can_edit_course(user: Viewer, course: Course) -> bool:
    """Whether `user` may edit `course` (and see it while it is a draft): whoever edits its body."""
    return may_edit_organisation(user, course.organisation_id)


def can_import_training(user: Viewer) -> bool:
    """Platform staff and editors of at least one training body may upload an offer file."""
    return is_platform_staff(user) or training_bodies_editable_by(user).exists()


def get_training_run_for_user(user: Viewer, run_id: Any) -> ImportRun:
    """The training import run `run_id`, for who may import (as the import page's list of runs),
    or 404 (an unknown id, another kind of import, or a user who may not import)."""
    try:
        if can_import_training(user):
            return ImportRun.objects.get(pk=int(run_id), kind="training")
    except (ImportRun.DoesNotExist, ValueError, TypeError, OverflowError):
        pass
    raise Http404("Import inconnu")


def visible_courses(user: Viewer = None) -> QuerySet[Course]:
    """Courses `user` may read: published ones, plus the drafts of the bodies they edit."""
    published = Course.objects.filter(is_published=True)
    if not is_signed_in(user):
        return published
    if is_platform_staff(user):
        return Course.objects.all()
    editable = organisations_editable_by(user).values("pk")
    return Course.objects.filter(Q(is_published=True) | Q(organisation__in=editable))


def get_course_for_user(user: Viewer, course_id: Any) -> Course:
    """The course `course_id` as `user` may read it, or 404.

    Published courses are public; a draft only for the training body's editors, administrators
    of its region and platform staff (others get the same 404 as for an unknown id).
    """
    try:
        course = Course.objects.select_related("organisation").get(pk=int(course_id))
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Formation inconnue") from None
    if not course.is_published and not can_edit_course(user, course):
        raise Http404("Formation inconnue")
    return course


def get_session_for_user(user: Viewer, session_id: Any) -> Session:
    """The session `session_id` if its course is readable by `user`, or 404."""
    try:
        session = Session.objects.select_related("course", "course__organisation").get(pk=int(session_id))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Session inconnue") from None
    if not session.course.is_published and not can_edit_course(user, session.course):
        raise Http404("Session inconnue")
    return session


# --- Upcoming sessions and coverage ---------------------------------------------------------


def upcoming_sessions(*, today: dt.date | None = None) -> QuerySet[Session]:
    """Sessions of published courses that start today or later and are not cancelled."""
    today = today or timezone.localdate()
    return Session.objects.filter(start_date__gte=today, course__is_published=True).exclude(
        status=SessionStatus.CANCELLED
    )


def _place_condition(
    *, region_code: str | None, department_code: str | None, include_distance: bool
) -> Q | None:
    """Sessions held in the territory (or anywhere), plus distance ones when asked."""
    if department_code:
        place = Q(department_code=department_code, distance_learning=False)
    elif region_code:
        place = Q(region_code=region_code, distance_learning=False)
    else:
        place = Q(distance_learning=False)
    if include_distance:
        if not department_code and not region_code:
            return None
        place |= Q(distance_learning=True)
    return place


@dataclass
class CourseMatch:
    """A course teaching some of the asked skills, with its next sessions in the territory."""

    course: Course
    covered_skill_ids: list[int]
    next_sessions: list[Session]
    distance_learning: bool


def courses_covering(
    skill_ids: Iterable[int],
    *,
    region_code: str | None = None,
    department_code: str | None = None,
    include_distance: bool = True,
    limit: int = 10,
    today: dt.date | None = None,
) -> list[CourseMatch]:
    """Published courses with an upcoming session (in the region/department, or at a distance
    when `include_distance`) that teach at least one of `skill_ids`: the most skills covered
    first, then the earliest next session."""
    wanted = {int(s) for s in skill_ids}
    if not wanted or limit <= 0:
        return []
    sessions = upcoming_sessions(today=today)
    place = _place_condition(
        region_code=region_code, department_code=department_code, include_distance=include_distance
    )
    if place is not None:
        sessions = sessions.filter(place)
    # Start from the few courses teaching the skills, then keep those with a session that fits:
    # the other way round scans every session of the territory.
    covered: dict[int, list[int]] = defaultdict(list)
    links = CourseSkill.objects.filter(skill_id__in=wanted, course__is_published=True).order_by("skill_id")
    for course_id, skill_id in links.values_list("course_id", "skill_id"):
        covered[course_id].append(skill_id)
    if not covered:
        return []
    first_start = dict(
        sessions.filter(course__skill_links__skill_id__in=wanted)
        .values("course_id")
        .annotate(first=Min("start_date"))
        .values_list("course_id", "first")
    )
    covered = {c: skills for c, skills in covered.items() if c in first_start}
    ranked = sorted(covered, key=lambda c: (-len(covered[c]), first_start[c], c))[:limit]
    courses = Course.objects.select_related("organisation").in_bulk(ranked)
    next_by_course: dict[int, list[Session]] = defaultdict(list)
    for session in sessions.filter(course_id__in=ranked).order_by("start_date", "pk"):
        if len(next_by_course[session.course_id]) < NEXT_SESSIONS:
            next_by_course[session.course_id].append(session)
    return [
        CourseMatch(
            course=courses[c],
            covered_skill_ids=covered[c],
            next_sessions=next_by_course[c],
            distance_learning=any(s.distance_learning for s in next_by_course[c]),
        )
        for c in ranked
    ]


def supply_by_skill_and_department(
    *,
    region_code: str | None = None,
    skill_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    horizon_days: int = SUPPLY_HORIZON_DAYS,
) -> dict[tuple[int, str], int]:
    """Planned training places per (skill id, department code) over the coming 12 months.

    Sums the places of the non-cancelled sessions of published courses starting between today
    and today + `horizon_days`; a session counts once for every skill its course teaches.
    Distance-learning sessions count under department "" (with `region_code`, those attached to
    the region, i.e. whose `region_code` is the region's). Sessions without a number of places
    count 0.
    """
    today = today or timezone.localdate()
    # One filter() call, so every condition and the values() below share one join to sessions.
    conditions = {
        "course__is_published": True,
        "course__sessions__start_date__gte": today,
        "course__sessions__start_date__lte": today + dt.timedelta(days=horizon_days),
        "course__sessions__status__in": [SessionStatus.OPEN, SessionStatus.FULL],
    }
    if region_code:
        conditions["course__sessions__region_code"] = region_code
    links = CourseSkill.objects.filter(**conditions)
    if skill_ids is not None:
        links = links.filter(skill_id__in={int(s) for s in skill_ids})
    rows = links.values(
        "skill_id", "course__sessions__department_code", "course__sessions__distance_learning"
    )
    supply: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows.annotate(total=Sum("course__sessions__places")).order_by():
        department = (
            "" if row["course__sessions__distance_learning"] else row["course__sessions__department_code"]
        )
        supply[(row["skill_id"], department)] += row["total"] or 0
    return dict(supply)


def session_supply(
    *,
    region_code: str | None = None,
    today: dt.date | None = None,
    horizon_days: int = SUPPLY_HORIZON_DAYS,
) -> list[tuple[str, int, frozenset[int]]]:
    """The same sessions as `supply_by_skill_and_department`, one tuple each: (department code,
    "" for distance learning; places; ids of the skills its course teaches).

    For totals over groups of skills (a skill family): a session teaching three skills of one
    family offers its places once to that family, which summing the per-skill supply would not.
    """
    today = today or timezone.localdate()
    sessions = Session.objects.filter(
        course__is_published=True,
        start_date__gte=today,
        start_date__lte=today + dt.timedelta(days=horizon_days),
        status__in=[SessionStatus.OPEN, SessionStatus.FULL],
    )
    if region_code:
        sessions = sessions.filter(region_code=region_code)
    rows = list(sessions.values_list("course_id", "department_code", "distance_learning", "places"))
    skills: dict[int, set[int]] = defaultdict(set)
    for course_id, skill_id in CourseSkill.objects.filter(course_id__in={r[0] for r in rows}).values_list(
        "course_id", "skill_id"
    ):
        skills[course_id].add(skill_id)
    return [
        ("" if distance else department, places or 0, frozenset(skills[course_id]))
        for course_id, department, distance, places in rows
    ]


# --- Skill families -------------------------------------------------------------------------

# One grouping for the training map and the needs gap table: `filiere.taxonomy.families`.


def family_labels() -> dict[str, str]:
    """Family code → French (translated) label, in display order, "Autres compétences" last."""
    return dict(family_choices())


def skill_families(skill_ids: Iterable[int]) -> dict[int, str]:
    """Skill id → family code (`filiere.taxonomy.families`), for the training map and the gap table."""

    ids = {int(s) for s in skill_ids}
    return {
        pk: family_for(label) for pk, label in Skill.objects.filter(pk__in=ids).values_list("pk", "label")
    }


# --- Course search --------------------------------------------------------------------------


@dataclass
class CourseFilters:
    """What the course search page and the API accept; every value already validated."""

    q: str = ""
    region: str = ""
    department: str = ""
    distance: bool = False
    funding: str = ""
    certified: bool = False
    start_after: dt.date | None = None
    start_before: dt.date | None = None


@dataclass
class CourseResult:
    course: Course
    next_sessions: list[Session]
    explanation: list[str] = field(default_factory=list)


def search_courses(
    user: Viewer, filters: CourseFilters, *, limit: int = 50, today: dt.date | None = None
) -> list[CourseResult]:
    """Courses readable by `user` with an upcoming session matching the filters.

    Free text matches the title, objectives and content (accent-insensitive words, all must
    appear) or a skill the matching engine finds in the text; results list the courses teaching
    the most found skills first, then the earliest session.
    """

    today = today or timezone.localdate()
    sessions = Session.objects.filter(start_date__gte=filters.start_after or today).exclude(
        status=SessionStatus.CANCELLED
    )
    if filters.start_before:
        sessions = sessions.filter(start_date__lte=filters.start_before)
    if filters.department:
        sessions = sessions.filter(department_code=filters.department)
    elif filters.region:
        sessions = sessions.filter(region_code=filters.region)
    if filters.distance:
        sessions = sessions.filter(distance_learning=True)
    courses = visible_courses(user).filter(pk__in=sessions.values("course_id"))
    if filters.funding:
        # JSON containment has no SQLite lookup: match the quoted code in the JSON text instead
        # (codes are validated choices, so they hold no LIKE wildcard).
        courses = courses.filter(funding__icontains=f'"{filters.funding}"')
    if filters.certified:
        courses = courses.exclude(certification_code="")
    skill_hits: dict[int, set[int]] = {}
    skill_ids: set[int] = set()
    labels: dict[int, str] = {}
    explanation: dict[int, list[str]] = defaultdict(list)
    if filters.q:
        words = [w for w in fold(filters.q).split() if len(w) > 1]
        text_q = Q()
        for word in words:
            text_q &= Q(search_text__contains=word)
        try:
            found = extract_skills(filters.q, limit=10)
        except UserTextError:
            found = []
        skill_ids = {m.skill_id for m in found}
        labels = {m.skill_id: m.label for m in found}
        matched = Q(pk__in=CourseSkill.objects.filter(skill_id__in=skill_ids).values("course_id"))
        if words:
            matched |= text_q
        hits = (
            CourseSkill.objects.filter(course=OuterRef("pk"), skill_id__in=skill_ids)
            .values("course")
            .annotate(n=Count("pk"))
            .values("n")
        )
        courses = (
            courses.filter(matched).annotate(hits=Coalesce(Subquery(hits), 0)).order_by("-hits", "title")
        )
    rows = list(courses.select_related("organisation")[: max(limit * 4, limit)])
    if filters.q and skill_ids:
        # Which of the found skills each shown course teaches, for the ranking and the explanation.
        links = CourseSkill.objects.filter(skill_id__in=skill_ids, course_id__in=[c.pk for c in rows])
        for course_id, skill_id in links.values_list("course_id", "skill_id"):
            skill_hits.setdefault(course_id, set()).add(skill_id)
        for course_id, ids in skill_hits.items():
            explanation[course_id].append(", ".join(sorted(labels[s] for s in ids)))
    first = dict(
        sessions.filter(course_id__in=[c.pk for c in rows])
        .values("course_id")
        .annotate(first=Min("start_date"))
        .values_list("course_id", "first")
    )
    rows.sort(key=lambda c: (-len(skill_hits.get(c.pk, ())), first.get(c.pk) or dt.date.max, c.title))
    rows = rows[:limit]
    next_by_course: dict[int, list[Session]] = defaultdict(list)
    for session in sessions.filter(course_id__in=[c.pk for c in rows]).order_by("start_date", "pk"):
        if len(next_by_course[session.course_id]) < NEXT_SESSIONS:
            next_by_course[session.course_id].append(session)
    return [CourseResult(c, next_by_course[c.pk], explanation.get(c.pk, [])) for c in rows]


def funding_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in Funding.choices]


def course_sessions(course: Course) -> QuerySet[Session]:
    """All sessions of a course, soonest first."""
    return course.sessions.order_by("start_date", "pk")


def course_skills(course: Course) -> list[tuple[int, str, str]]:
    """The skills a course teaches: (id, label, origin), by label."""
    return list(
        course.skill_links.select_related("skill")
        .order_by("skill__label")
        .values_list("skill_id", "skill__label", "origin")
    )


# --- The training map (skill family × department) --------------------------------------------


@dataclass
class OfferMap:
    """Planned places per skill family (rows) and department (columns), with totals."""

    families: list[tuple[str, str]]
    departments: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int


def offer_map(*, region_code: str | None = None, today: dt.date | None = None) -> OfferMap:
    """The "carte de l'offre": places over the coming 12 months per skill family and department.

    A session counts once per family (not once per skill) so a course teaching five data
    skills is not counted five times in the data row; a course in two families counts in both
    rows, but the totals count each session once. Distance learning is the column "".
    """

    today = today or timezone.localdate()
    sessions = Session.objects.filter(
        course__is_published=True,
        start_date__gte=today,
        start_date__lte=today + dt.timedelta(days=SUPPLY_HORIZON_DAYS),
    ).exclude(status=SessionStatus.CANCELLED)
    if region_code:
        sessions = sessions.filter(region_code=region_code)
    session_rows = list(sessions.values_list("course_id", "department_code", "distance_learning", "places"))
    # Subqueries rather than id lists: a national catalogue exceeds SQLite's parameter limit.
    links = CourseSkill.objects.filter(course_id__in=sessions.values("course_id"))
    families_of_skill = {
        skill_id: family_for(label)
        for skill_id, label in Skill.objects.filter(pk__in=links.values("skill_id")).values_list(
            "pk", "label"
        )
    }
    # A course sits in the named families of its skills; "other" only when it has none of them.
    families_of_course: dict[int, set[str]] = defaultdict(set)
    for course_id, skill_id in links.values_list("course_id", "skill_id"):
        family = families_of_skill[skill_id]
        if family != OTHER:
            families_of_course[course_id].add(family)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for course_id, department, distance, places in session_rows:
        column = "" if distance else department
        for family in families_of_course.get(course_id) or {OTHER}:
            cells[(family, column)] += places or 0
    all_labels = family_labels()
    used_families = {f for f, _d in cells}
    families = [(k, v) for k, v in all_labels.items() if k in used_families]
    used_departments = sorted({d for _f, d in cells if d})
    names = dict(Department.objects.filter(code__in=used_departments).values_list("code", "name"))
    departments = [(code, f"{names.get(code, code)} ({code})") for code in used_departments]
    if any(d == "" for _f, d in cells):
        departments.append(("", str(_("À distance"))))
    row_totals = {f: sum(v for (ff, _d), v in cells.items() if ff == f) for f, _l in families}
    # Totals count each session once, even when its course sits in several families.
    column_totals: dict[str, int] = defaultdict(int)
    for _course, department, distance, places in session_rows:
        column_totals["" if distance else department] += places or 0
    total = sum(column_totals.values())
    return OfferMap(families, departments, dict(cells), row_totals, dict(column_totals), total)
