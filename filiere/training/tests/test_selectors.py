"""The reads other apps rely on: courses covering skills, planned places per skill and department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.training.models import SessionStatus
from filiere.training.selectors import (
    courses_covering,
    get_course_for_user,
    offer_map,
    skill_families,
    supply_by_skill_and_department,
)

from .factories import CourseFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_courses_covering_ranks_by_number_of_skills_covered(skills):
    one = CourseFactory(title="Python", skills=[skills["python"]])
    two = CourseFactory(title="Data", skills=[skills["python"], skills["ml"]])
    SessionFactory(course=one, start_date=days(5))
    SessionFactory(course=two, start_date=days(60))
    matches = courses_covering([skills["python"].pk, skills["ml"].pk])
    assert [m.course for m in matches] == [two, one]
    assert sorted(matches[0].covered_skill_ids) == sorted([skills["python"].pk, skills["ml"].pk])
    assert matches[1].covered_skill_ids == [skills["python"].pk]


def test_courses_covering_needs_an_upcoming_session_of_a_published_course(skills):
    past = CourseFactory(skills=[skills["python"]])
    SessionFactory(course=past, start_date=days(-30), end_date=days(10))
    cancelled = CourseFactory(skills=[skills["python"]])
    SessionFactory(course=cancelled, status=SessionStatus.CANCELLED)
    draft = CourseFactory(draft=True, skills=[skills["python"]])
    SessionFactory(course=draft)
    CourseFactory(skills=[skills["python"]])  # no session at all
    assert courses_covering([skills["python"].pk]) == []


def test_courses_covering_filters_by_territory_and_distance(skills):
    dijon = CourseFactory(skills=[skills["cyber"]])
    SessionFactory(course=dijon, department_code="21", region_code="27")
    toulouse = CourseFactory(skills=[skills["cyber"]])
    SessionFactory(course=toulouse, department_code="31", region_code="76")
    online = CourseFactory(skills=[skills["cyber"]])
    SessionFactory(course=online, distance=True, region_code="76")
    ids = [skills["cyber"].pk]
    assert {m.course for m in courses_covering(ids, region_code="76")} == {toulouse, online}
    assert {m.course for m in courses_covering(ids, region_code="76", include_distance=False)} == {toulouse}
    assert {m.course for m in courses_covering(ids, department_code="21")} == {dijon, online}
    match = next(m for m in courses_covering(ids, region_code="27") if m.course == online)
    assert match.distance_learning is True


def test_courses_covering_lists_next_sessions_soonest_first_and_respects_limit(skills):
    course = CourseFactory(skills=[skills["sql"]])
    later = SessionFactory(course=course, start_date=days(100))
    sooner = SessionFactory(course=course, start_date=days(10))
    for _ in range(3):
        CourseFactory(skills=[skills["sql"]]).sessions.create(
            start_date=days(200), end_date=days(210), department_code="21", region_code="27"
        )
    matches = courses_covering([skills["sql"].pk], limit=2)
    assert len(matches) == 2
    assert matches[0].course == course
    assert matches[0].next_sessions == [sooner, later]


def test_supply_sums_places_per_skill_and_department_over_twelve_months(skills):
    data = CourseFactory(skills=[skills["python"], skills["ml"]])
    SessionFactory(course=data, department_code="31", region_code="76", places=12, start_date=days(10))
    SessionFactory(course=data, department_code="31", region_code="76", places=8, start_date=days(200))
    SessionFactory(course=data, department_code="34", region_code="76", places=15)
    SessionFactory(course=data, distance=True, region_code="76", places=30)
    SessionFactory(course=data, department_code="31", region_code="76", places=99, start_date=days(400))
    SessionFactory(
        course=data, department_code="31", region_code="76", places=50, status=SessionStatus.CANCELLED
    )
    SessionFactory(course=data, department_code="21", region_code="27", places=7)
    supply = supply_by_skill_and_department(region_code="76")
    python, ml = skills["python"].pk, skills["ml"].pk
    assert supply == {
        (python, "31"): 20,
        (python, "34"): 15,
        (python, ""): 30,
        (ml, "31"): 20,
        (ml, "34"): 15,
        (ml, ""): 30,
    }
    everywhere = supply_by_skill_and_department(skill_ids=[ml])
    assert everywhere[(ml, "21")] == 7
    assert all(skill == ml for skill, _dep in everywhere)


def test_supply_ignores_drafts_and_counts_unknown_places_as_zero(skills):
    SessionFactory(course=CourseFactory(draft=True, skills=[skills["cloud"]]), places=40)
    SessionFactory(course=CourseFactory(skills=[skills["cloud"]]), places=None)
    assert supply_by_skill_and_department() == {(skills["cloud"].pk, "21"): 0}


def test_published_course_is_public_draft_only_for_its_editors():
    published = CourseFactory()
    draft = CourseFactory(draft=True)
    assert get_course_for_user(AnonymousUser(), published.pk) == published
    stranger = UserFactory()
    member = MembershipFactory(organisation=draft.organisation, role=Role.MEMBER).user
    editor = MembershipFactory(organisation=draft.organisation, role=Role.EDITOR).user
    for user in (AnonymousUser(), stranger, member):
        with pytest.raises(Http404):
            get_course_for_user(user, draft.pk)
    assert get_course_for_user(editor, draft.pk) == draft
    assert get_course_for_user(UserFactory(is_staff=True), draft.pk) == draft


@pytest.mark.parametrize("bad_id", [999999, "abc", None, 10**30])
def test_unknown_course_id_is_404(bad_id):
    with pytest.raises(Http404):
        get_course_for_user(AnonymousUser(), bad_id)


def test_skill_families_and_offer_map(skills):
    families = skill_families([skills["ml"].pk, skills["cyber"].pk, skills["avionics"].pk])
    assert families == {
        skills["ml"].pk: "data_ai",
        skills["cyber"].pk: "cyber",
        skills["avionics"].pk: "industry",
    }
    data = CourseFactory(skills=[skills["python"], skills["ml"]])
    SessionFactory(course=data, department_code="31", region_code="76", places=12)
    SessionFactory(course=data, distance=True, region_code="76", places=5)
    cyber = CourseFactory(skills=[skills["cyber"]])
    SessionFactory(course=cyber, department_code="34", region_code="76", places=10)
    table = offer_map(region_code="76")
    # Python is "software", machine learning "data_ai": the course counts once in each row.
    assert table.cells[("data_ai", "31")] == 12
    assert table.cells[("software", "31")] == 12
    assert table.cells[("data_ai", "")] == 5
    assert table.cells[("cyber", "34")] == 10
    assert [code for code, _label in table.departments] == ["31", "34", ""]
    assert table.total == 27
