"""Pages of the training offer with the Django test client: search, course, forms, import,
map, reconversion; access rules and bad input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from filiere.accounts.models import Role
from filiere.training.models import Course, Session

from .factories import (
    CourseFactory,
    EstablishmentFactory,
    MembershipFactory,
    SessionFactory,
    TrainingBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
TODAY = timezone.localdate()


@pytest.fixture
def editor():
    body = TrainingBodyFactory(name="Campus Numérique Occitanie", siren="130000001")
    EstablishmentFactory(organisation=body, siret="13000000100011", department_code="31", region_code="76")
    return MembershipFactory(organisation=body, role=Role.EDITOR).user, body


def test_search_lists_published_courses_with_upcoming_sessions(client):
    shown = CourseFactory(title="Développeur web")
    SessionFactory(course=shown)
    draft = CourseFactory(title="Brouillon secret", draft=True)
    SessionFactory(course=draft)
    response = client.get(reverse("training:course_search"))
    assert response.status_code == 200
    assert "Développeur web" in response.text
    assert "Brouillon secret" not in response.text


def test_search_filters_by_text_and_region_and_serves_a_partial_to_htmx(client):
    web = CourseFactory(title="Développeur web", objectives="HTML et JavaScript")
    SessionFactory(course=web, department_code="31", region_code="76")
    cyber = CourseFactory(title="Analyste cybersécurité")
    SessionFactory(course=cyber, department_code="21", region_code="27")
    response = client.get(reverse("training:course_search"), {"q": "developpeur", "region": "76"})
    assert "Développeur web" in response.text and "Analyste" not in response.text
    partial = client.get(reverse("training:course_search"), {"region": "27"}, headers={"HX-Request": "true"})
    assert "Analyste cybersécurité" in partial.text
    assert "<html" not in partial.text


def test_search_filters_funding_certification_and_dates(client):
    cpf = CourseFactory(title="Certifiante CPF", funding=["cpf"], certification_code="RNCP35584")
    SessionFactory(course=cpf, start_date=TODAY + dt.timedelta(days=100))
    other = CourseFactory(title="Sans financement")
    SessionFactory(course=other, start_date=TODAY + dt.timedelta(days=10))
    url = reverse("training:course_search")
    assert "Sans financement" not in client.get(url, {"funding": "cpf"}).text
    assert "Sans financement" not in client.get(url, {"certified": "1"}).text
    later = (TODAY + dt.timedelta(days=50)).isoformat()
    page = client.get(url, {"start_after": later}).text
    assert "Certifiante CPF" in page and "Sans financement" not in page


@pytest.mark.parametrize(
    "params",
    [
        {"region": "<script>"},
        {"department": "x\x00y"},
        {"start_after": "2026-02-31"},
        {"funding": "bitcoin"},
        {"q": "\x00" * 5},
        {"start_after": "2027-05-01", "start_before": "2027-01-01"},
    ],
)
def test_search_with_nonsense_is_a_page_not_a_500(client, params):
    response = client.get(reverse("training:course_search"), params)
    assert response.status_code == 200
    assert "<script>" not in response.text


def test_course_page_shows_sessions_and_escapes_html(client):
    course = CourseFactory(title="<b>Data</b> analyst", objectives="<script>alert(1)</script>")
    SessionFactory(course=course, city="Toulouse", department_code="31", places=14)
    response = client.get(reverse("training:course_detail", args=[course.pk]))
    assert response.status_code == 200
    assert "&lt;b&gt;Data&lt;/b&gt; analyst" in response.text
    assert "<script>alert(1)" not in response.text
    assert "Toulouse (31)" in response.text


def test_draft_course_is_404_for_others_and_visible_to_its_editors(client, editor):
    user, body = editor
    draft = CourseFactory(organisation=body, draft=True)
    url = reverse("training:course_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_unknown_course_is_404(client):
    assert client.get(reverse("training:course_detail", args=[987654])).status_code == 404
    assert client.get("/api/training/courses/987654").status_code == 404


def test_editor_creates_a_course_and_a_session(client, editor, reference_territories):
    user, body = editor
    client.force_login(user)
    response = client.post(
        reverse("training:course_create"),
        {
            "organisation": body.pk,
            "title": "Technicien cloud",
            "objectives": "Administrer une infrastructure cloud.",
            "duration_hours": "600",
            "certification_code": "36061",
            "formacode_codes": "31008 31006",
            "funding": ["cpf", "region"],
            "teaching_mode": "0",
            "is_published": "on",
        },
    )
    course = Course.objects.get(title="Technicien cloud")
    assert response.status_code == 302
    assert course.certification_code == "RNCP36061"
    assert course.formacode_codes == ["31008", "31006"]
    start = TODAY + dt.timedelta(days=40)
    response = client.post(
        reverse("training:session_create", args=[course.pk]),
        {
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=90)).isoformat(),
            "commune_code": "31555",
            "places": "12",
            "status": "open",
        },
    )
    assert response.status_code == 302
    session = course.sessions.get()
    assert (session.department_code, session.region_code, session.city) == ("31", "76", "Toulouse")


def test_session_form_refuses_impossible_input_with_field_errors(client, editor, reference_territories):
    user, body = editor
    course = CourseFactory(organisation=body)
    client.force_login(user)
    response = client.post(
        reverse("training:session_create", args=[course.pk]),
        {
            "start_date": "2027-03-10",
            "end_date": "2027-03-01",
            "commune_code": "99999",
            "places": "-4",
            "status": "open",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "end_date" in errors and "commune_code" in errors and "places" in errors
    assert not Session.objects.exists()
    response = client.post(
        reverse("training:session_create", args=[course.pk]),
        {"start_date": "2027-02-31", "end_date": "2027-03-01", "status": "open", "distance_learning": "on"},
    )
    assert "start_date" in response.context["form"].errors


def test_course_form_refuses_bad_codes(client, editor):
    user, body = editor
    client.force_login(user)
    response = client.post(
        reverse("training:course_create"),
        {
            "organisation": body.pk,
            "title": " ",
            "certification_code": "ABC",
            "formacode_codes": "12",
            "teaching_mode": "0",
        },
    )
    errors = response.context["form"].errors
    assert {"title", "certification_code", "formacode_codes"} <= set(errors)
    assert not Course.objects.exists()


def test_stranger_cannot_edit_or_add_courses(client, editor):
    _user, body = editor
    course = CourseFactory(organisation=body)
    client.force_login(UserFactory())
    assert client.get(reverse("training:course_edit", args=[course.pk])).status_code == 403
    assert client.get(reverse("training:course_create")).status_code == 403
    assert client.get(reverse("training:import")).status_code == 403
    other = CourseFactory()
    client.force_login(_user)
    assert client.post(reverse("training:course_edit", args=[other.pk]), {"title": "x"}).status_code == 403


def test_edit_marks_fields_so_imports_keep_them(client, editor):
    user, body = editor
    course = CourseFactory(organisation=body, title="Ancien titre")
    client.force_login(user)
    client.post(
        reverse("training:course_edit", args=[course.pk]),
        {"organisation": body.pk, "title": "Nouveau titre", "teaching_mode": "0", "is_published": "on"},
    )
    course.refresh_from_db()
    assert course.title == "Nouveau titre"
    assert "title" in course.edited_fields


def test_upload_page_imports_and_shows_the_report(
    client, editor, reference_territories, django_capture_on_commit_callbacks
):
    user, _body = editor
    client.force_login(user)
    with (
        django_capture_on_commit_callbacks(execute=True),
        (DATA / "offre_erreurs.xml").open("rb") as handle,
    ):
        response = client.post(reverse("training:import"), {"file": handle, "format": ""})
    assert response.status_code == 302  # POST/redirect/GET: to the page showing the run
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "introuvable" in page.text
    assert "intitulé manquant" in page.text
    assert Course.objects.filter(external_id="lheo:BAD_SESSIONS").exists()


def test_upload_of_a_broken_file_says_why(client, editor):
    user, _body = editor
    client.force_login(user)
    upload = io.BytesIO(b"<lheo><offres><formation numero='1'>")
    upload.name = "offre.xml"
    response = client.post(reverse("training:import"), {"file": upload})
    assert response.status_code == 200
    assert "Fichier refusé" in response.text


def test_offer_map_page_and_exports(client, reference_territories):
    course = CourseFactory()
    SessionFactory(course=course, department_code="31", region_code="76", places=14)
    page = client.get(reverse("training:offer_map"), {"region": "76"})
    assert page.status_code == 200
    assert "Haute-Garonne (31)" in page.text
    csv = client.get(reverse("training:offer_map"), {"region": "76", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "14" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("training:offer_map"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "Famille de compétences"
    assert client.get(reverse("training:offer_map"), {"region": "zz", "format": "ods"}).status_code == 200


def test_admin_lists_courses_and_sessions(client):
    SessionFactory(course=CourseFactory(title="Administration Linux"))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Administration Linux" in client.get("/admin/training/course/").text
    assert client.get("/admin/training/session/").status_code == 200


def test_search_finds_courses_through_skills_found_in_the_query(client, skills):
    course = CourseFactory(title="Parcours IA", objectives="Modèles prédictifs.", skills=[skills["ml"]])
    SessionFactory(course=course)
    SessionFactory(course=CourseFactory(title="Comptabilité"))
    response = client.get(reverse("training:course_search"), {"q": "machine learning"})
    assert "Parcours IA" in response.text
    assert "Comptabilité" not in response.text
    assert "apprentissage automatique" in response.text  # the explanation names the skill


def test_text_search_ignores_accents_and_case(client):
    SessionFactory(course=CourseFactory(title="Sécurité des Réseaux"))
    SessionFactory(course=CourseFactory(title="Comptabilité"))
    page = client.get(reverse("training:course_search"), {"q": "SECURITE reseaux"}).text
    assert "Sécurité des Réseaux" in page and "Comptabilité" not in page
