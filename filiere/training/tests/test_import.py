"""LHÉO and CSV imports on small hand-written files: created, updated, unchanged, rejected."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from filiere.core.models import ImportRun
from filiere.training.importers import TrainingFormatError, import_training, normalise_certification
from filiere.training.models import Course, Funding, Session, SessionStatus, SkillOrigin, TeachingMode

from .factories import EstablishmentFactory, TrainingBodyFactory

DATA = Path(__file__).parent / "data"
SIRET = "13000000100011"


@pytest.fixture
def body(reference_territories):
    organisation = TrainingBodyFactory(name="Campus Numérique Occitanie", siren=SIRET[:9])
    EstablishmentFactory(organisation=organisation, siret=SIRET, department_code="31", region_code="76")
    return organisation


def reasons(result) -> list[tuple[str, str]]:
    return [(r.field, r.message) for r in result.rejections]


def test_lheo_import_creates_courses_and_sessions(body, skills):
    result = import_training(DATA / "offre.xml")
    assert result.counts["created"] == 2
    assert result.counts["sessions_created"] == 3
    assert result.counts["sessions_rejected"] == 2
    data = Course.objects.get(external_id="lheo:FOR_0001")
    assert data.organisation == body
    assert data.certification_code == "RNCP35584"
    assert data.formacode_codes == ["31054", "31034"]
    assert data.rome_codes == ["M1811"]
    assert data.duration_hours == 800
    assert data.funding == [Funding.CPF, Funding.REGION, Funding.FRANCE_TRAVAIL]
    assert "Python" in data.objectives
    first = data.sessions.get(external_id="lheo:FOR_0001:SE_0001")
    assert (first.start_date, first.end_date) == (dt.date(2027, 1, 11), dt.date(2027, 6, 30))
    assert (first.commune_id, first.department_code, first.region_code) == ("31555", "31", "76")
    assert first.places == 16
    assert first.status == SessionStatus.OPEN
    extracted = set(data.skill_links.filter(origin=SkillOrigin.EXTRACTED).values_list("skill_id", flat=True))
    assert {skills["python"].pk, skills["sql"].pk, skills["ml"].pk} <= extracted
    cyber = Course.objects.get(external_id="lheo:FOR_0002")
    assert cyber.teaching_mode == TeachingMode.DISTANCE
    online = cyber.sessions.get()
    assert online.distance_learning is True
    assert online.places == 20
    run = ImportRun.objects.get(pk=result.run_id)
    assert run.kind == "training" and run.status == ImportRun.Status.DONE
    assert run.counts["created"] == 2


def test_lheo_session_errors_name_the_element_and_field(body):
    result = import_training(DATA / "offre.xml")
    by_key = {r.key: r for r in result.rejections}
    assert by_key["SE_0004"].field == "periode/debut"
    assert "date impossible" in by_key["SE_0004"].message
    assert by_key["SE_0004"].where == "formation[2] numero=FOR_0002/action[1]/session[2]"
    assert by_key["SE_0005"].field == "fin"
    assert "précède le début" in by_key["SE_0005"].message


def test_lheo_rerun_is_idempotent_and_updates_changes(body, tmp_path):
    import_training(DATA / "offre.xml")
    again = import_training(DATA / "offre.xml")
    assert again.counts["created"] == 0
    assert again.counts["unchanged"] == 2
    assert again.counts["sessions_unchanged"] == 3
    assert Course.objects.count() == 2 and Session.objects.count() == 3
    changed = tmp_path / "offre.xml"
    changed.write_bytes(
        (DATA / "offre.xml").read_bytes().replace(b"<debut>20270906</debut>", b"<debut>20270913</debut>")
    )
    third = import_training(changed)
    assert third.counts["updated"] == 1 and third.counts["unchanged"] == 1
    assert third.counts["sessions_updated"] == 1
    assert Session.objects.get(external_id="lheo:FOR_0001:SE_0002").start_date == dt.date(2027, 9, 13)


def test_import_never_overwrites_a_human_edit(body, tmp_path):
    import_training(DATA / "offre.xml")
    course = Course.objects.get(external_id="lheo:FOR_0001")
    course.title = "Titre corrigé à la main"
    course.edited_fields = ["title"]
    course.save()
    changed = tmp_path / "offre.xml"
    changed.write_bytes((DATA / "offre.xml").read_bytes().replace(b"800</nombre", b"900</nombre"))
    import_training(changed)
    course.refresh_from_db()
    assert course.title == "Titre corrigé à la main"
    assert course.duration_hours == 900


def test_lheo_bad_records_are_rejected_with_reasons_and_good_ones_kept(body):
    result = import_training(DATA / "offre_erreurs.xml")
    found = reasons(result)
    assert any(f == "SIRET" and "introuvable" in r for f, r in found)
    assert ("intitule-formation", "intitulé manquant") in found
    assert any(f == "code-FORMACODE" and "3105" in r for f, r in found)
    assert any(f == "code-INSEE-commune" and "99999" in r for f, r in found)
    assert any(f == "nb-places-financees" and "négatif" in r for f, r in found)
    assert result.counts["rejected"] == 2
    assert result.counts["created"] == 1
    kept = Course.objects.get(external_id="lheo:BAD_SESSIONS")
    assert list(kept.sessions.values_list("external_id", flat=True)) == ["lheo:BAD_SESSIONS:S5"]
    assert not Course.objects.filter(external_id__in=["lheo:BAD_SIRET", "lheo:NO_TITLE"]).exists()


def test_truncated_file_keeps_the_courses_read_before_and_fails_the_run(body):
    with pytest.raises(TrainingFormatError, match="XML mal formé"):
        import_training(DATA / "offre_tronquee.xml")
    assert list(Course.objects.values_list("external_id", flat=True)) == ["lheo:FOR_0001"]
    run = ImportRun.objects.filter(kind="training").latest("started_at")
    assert run.status == ImportRun.Status.FAILED
    assert run.counts["created"] == 1
    # The full file finishes the job.
    result = import_training(DATA / "offre.xml")
    assert (result.counts["created"], result.counts["unchanged"]) == (1, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((DATA / "entites.xml").read_bytes(), "DTD"),
        ((DATA / "pas_lheo.xml").read_bytes(), "pas au format LHÉO"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "XML mal formé"),
        (b"", "XML mal formé"),
    ],
)
def test_unreadable_xml_is_refused_without_writing(db, content, message):
    with pytest.raises(TrainingFormatError, match=message):
        import_training(io.BytesIO(content), fmt="lheo", filename="upload.xml")
    assert not Course.objects.exists()


def test_csv_import_with_bad_rows(body, skills):
    result = import_training(DATA / "offre.csv")
    found = reasons(result)
    assert result.counts["created"] == 1
    assert result.counts["rejected"] == 2
    assert result.counts["sessions_created"] == 2
    assert result.counts["sessions_rejected"] == 4
    assert ("title", "intitulé manquant") in found
    assert any(f == "start" and "date impossible" in r for f, r in found)
    assert any(f == "places" and "négatif" in r for f, r in found)
    assert any(f == "certification" and "XX12" in r for f, r in found)
    assert any(f == "funding" and "bitcoin" in r for f, r in found)
    assert any(f == "formacode" and "ABC" in r for f, r in found)
    where = {r.where for r in result.rejections if r.field == "places"}
    assert where == {"ligne 5"}
    course = Course.objects.get(external_id="csv:DEVOPS-1")
    assert course.funding == [Funding.CPF, Funding.REGION]
    online = course.sessions.get(external_id="csv:DEVOPS-1:DEVOPS-1-S2")
    assert online.distance_learning and online.department_code == "" and online.region_code == "76"
    assert online.start_date == dt.date(2027, 9, 1)
    again = import_training(DATA / "offre.csv")
    assert again.counts["unchanged"] == 1 and again.counts["created"] == 0


def test_csv_with_wrong_header_is_refused(db):
    with pytest.raises(TrainingFormatError, match="colonnes manquantes"):
        import_training(io.BytesIO(b"nom,date\nx,y\n"), fmt="csv", filename="x.csv")
    with pytest.raises(TrainingFormatError, match="UTF-8"):
        import_training(io.BytesIO(b"\xff\xfe\x00bad"), fmt="csv", filename="x.csv")


@pytest.mark.parametrize(
    ("raw", "expected"), [("35584", "RNCP35584"), ("rncp 35584", "RNCP35584"), ("RS5487", "RS5487"), ("", "")]
)
def test_certification_codes_are_normalised(raw, expected):
    assert normalise_certification(raw) == expected


def test_command_imports_and_prints_counts(body, capsys):
    call_command("import_training", str(DATA / "offre.xml"))
    out = capsys.readouterr().out
    assert "créées : 2" in out
    assert Course.objects.count() == 2
