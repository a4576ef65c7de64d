"""The JSON API: same selectors as the pages, access rules, bad input, OpenAPI snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot

from .factories import CourseFactory, SessionFactory
from .test_reconversion import rome  # noqa: F401 — the hand-built ROME fixture

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_training.json"


def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/training/", SNAPSHOT)


def test_courses_list_and_detail(client, skills):
    course = CourseFactory(title="Data analyst", funding=["cpf"], skills=[skills["python"]])
    session = SessionFactory(course=course, department_code="31", region_code="76", places=14)
    CourseFactory(title="Brouillon", draft=True)
    rows = client.get("/api/training/courses", {"region": "76"}).json()
    assert [r["title"] for r in rows] == ["Data analyst"]
    assert rows[0]["next_sessions"][0]["id"] == session.pk
    detail = client.get(f"/api/training/courses/{course.pk}").json()
    assert detail["skills"] == [
        {"id": skills["python"].pk, "label": skills["python"].label, "origin": "manual"}
    ]
    assert detail["sessions"][0]["places"] == 14
    assert client.get(f"/api/training/sessions/{session.pk}").json()["department_code"] == "31"


def test_draft_course_and_its_sessions_are_404_in_the_api(client):
    draft = CourseFactory(draft=True)
    session = SessionFactory(course=draft)
    assert client.get(f"/api/training/courses/{draft.pk}").status_code == 404
    assert client.get(f"/api/training/sessions/{session.pk}").status_code == 404


def test_bad_query_is_422(client):
    assert client.get("/api/training/courses", {"region": "<x>"}).status_code == 422
    assert client.get("/api/training/courses", {"start_after": "2026-02-31"}).status_code == 422
    assert client.get("/api/training/map", {"region": "'; drop"}).status_code == 422


def test_map_counts_places(client, skills):
    course = CourseFactory(skills=[skills["cyber"]])
    SessionFactory(course=course, department_code="31", region_code="76", places=9)
    data = client.get("/api/training/map", {"region": "76"}).json()
    assert data["cells"] == [{"family": "cyber", "department_code": "31", "places": 9}]
    assert data["total"] == 9


def test_reconversion_endpoints(client, rome):  # noqa: F811
    data = client.get("/api/training/reconversion", {"occupation": "I1602"}).json()
    assert data["source_code"] == "I1602"
    assert data["targets"][0]["code"] == "M1810"
    assert data["targets"][0]["missing_skills"][0]["label"] == "Superviser l'exploitation des systèmes"
    assert client.get("/api/training/reconversion", {"occupation": "Z9999"}).status_code == 422
    group = client.post(
        "/api/training/reconversion/group", {"group": "I1602;800\nM1805;200"}, content_type="application/json"
    ).json()
    assert group["people"] == 1000
    by_code = {t["code"]: t for t in group["targets"]}
    assert by_code["M1810"] == {
        "code": "M1810",
        "label": "Technicien / Technicienne d'exploitation informatique",
        "people": 800,
        "sources": ["I1602"],
        "in_demand": True,
    }
    bad = client.post(
        "/api/training/reconversion/group", {"group": "I1602;-1"}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_reconversion_page(client, rome):  # noqa: F811
    from django.urls import reverse

    page = client.get(reverse("training:reconversion"), {"occupation": "I1602", "region": "76"})
    assert page.status_code == 200
    assert "Technicien / Technicienne d&#x27;exploitation informatique" in page.text
    assert "mobilité proposée par le ROME" in page.text
    unknown = client.get(reverse("training:reconversion"), {"occupation": "Z9999"})
    assert "Code ROME inconnu" in unknown.text
    group = client.post(reverse("training:reconversion"), {"group": "I1602;800\nM1805;200", "region": "76"})
    assert group.status_code == 200
    assert group.context["group_form"].errors == {}
    assert group.context["group"].people == 1000
    assert "Superviser l&#x27;exploitation des systèmes" in group.text
    bad = client.post(reverse("training:reconversion"), {"group": "I1602;abc"})
    assert "nombre de personnes invalide" in bad.text
