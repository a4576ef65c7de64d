"""Personal data: access rules, access log, consent, export, erasure, retention."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from filiere.matching.models import Document
from filiere.talent import indexing, selectors, services
from filiere.talent.models import AccessLog, FileState, JobSeeker, OutcomeStatus

from .factories import (
    CohortFactory,
    ProgrammeFactory,
    SeekerFactory,
    StructureFactory,
    adviser_of,
    consenting,
)

pytestmark = pytest.mark.django_db


def test_an_adviser_of_another_structure_gets_404(client):
    seeker = SeekerFactory()
    other = adviser_of(StructureFactory())
    client.force_login(other)
    assert client.get(f"/talents/personnes/{seeker.pk}/").status_code == 404
    assert client.get(f"/talents/personnes/{seeker.pk}/export.json").status_code == 404
    assert client.post(f"/talents/personnes/{seeker.pk}/effacer/", {"confirm": "1"}).status_code == 404
    assert client.get(f"/api/talent/seekers/{seeker.pk}/offers").status_code == 404
    assert JobSeeker.objects.get(pk=seeker.pk).last_name == seeker.last_name
    assert not AccessLog.objects.exists()


def test_the_programme_structure_sees_people_with_a_file_in_its_programme(client):
    seeker = SeekerFactory()
    cohort = CohortFactory()
    services.open_file(cohort=cohort, seeker=seeker, by=None)
    nege = adviser_of(cohort.programme.structure)
    client.force_login(nege)
    assert client.get(f"/talents/personnes/{seeker.pk}/").status_code == 200


def test_every_adviser_access_is_logged(client):
    seeker = SeekerFactory()
    adviser = adviser_of(seeker.structure)
    client.force_login(adviser)
    client.get(f"/talents/personnes/{seeker.pk}/")
    client.get(f"/talents/personnes/{seeker.pk}/export.json")
    logs = list(AccessLog.objects.filter(seeker=seeker).values_list("user_id", "what"))
    assert sorted(logs) == sorted([(adviser.pk, "profil"), (adviser.pk, "export des données")])


def test_the_person_sees_their_own_profile_without_an_access_log(client):
    from .factories import UserFactory

    user = UserFactory()
    seeker = SeekerFactory(user=user)
    client.force_login(user)
    assert client.get("/talents/mes-donnees/").url == f"/talents/personnes/{seeker.pk}/"
    assert client.get(f"/talents/personnes/{seeker.pk}/").status_code == 200
    assert not AccessLog.objects.exists()


def test_export_holds_profile_files_history_applications_outcomes_and_log(client):
    seeker = consenting(SeekerFactory(first_name="Nathalie", last_name="Kieffer"))
    cohort = CohortFactory()
    file = services.open_file(cohort=cohort, seeker=seeker, by=None, applied_on=dt.date(2025, 1, 5))
    for state in (FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED):
        services.move_file(file=file, to_state=state, by=None, on=dt.date(2025, 9, 30))
    services.record_outcome(
        file=file, months=6, status=OutcomeStatus.CDI, observed_on=dt.date(2026, 3, 30), by=None
    )
    adviser = adviser_of(seeker.structure)
    client.force_login(adviser)
    response = client.get(f"/talents/personnes/{seeker.pk}/export.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["last_name"] == "Kieffer"
    assert {c["purpose"] for c in data["consents"]} == {"share_with_companies", "matching"}
    assert [h["to"] for h in data["files"][0]["history"]] == [
        "applied",
        "preselected",
        "selected",
        "in_training",
        "trained",
    ]
    assert data["files"][0]["outcomes"] == [{"months": 6, "status": "cdi", "observed_on": "2026-03-30"}]
    assert data["access_log"][0]["what"] == "export des données"


def _programme_with_outcomes() -> tuple:
    programme = ProgrammeFactory()
    cohort = CohortFactory(programme=programme)
    people = [SeekerFactory(gender=g, birth_year=y, department_code=d) for g, y, d in
              [("F", 1970, "67"), ("M", 2002, "68"), ("F", 1985, "57")]]  # fmt: skip
    for i, seeker in enumerate(people):
        consenting(seeker)
        file = services.open_file(cohort=cohort, seeker=seeker, by=None, applied_on=dt.date(2025, 1, 5))
        for state in (FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED):
            services.move_file(file=file, to_state=state, by=None, on=dt.date(2025, 9, 30))
        status = OutcomeStatus.CDI if i < 2 else OutcomeStatus.SEEKING
        services.record_outcome(file=file, months=6, status=status, observed_on=dt.date(2026, 3, 30), by=None)
    return programme, people


def _numbers(programme) -> list:
    board = selectors.programme_dashboard(programme)
    return [
        f.as_dict()
        for f in [board.total, *board.by_year, *board.by_gender, *board.by_age, *board.by_department]
    ]


def test_erasure_removes_identity_and_keeps_the_dashboard_numbers():
    programme, people = _programme_with_outcomes()
    before = _numbers(programme)
    assert before[0]["back_to_work_rate"] == pytest.approx(66.7)
    target = people[0]
    assert Document.objects.filter(doc_type=indexing.SEEKER_DOC, doc_id=target.pk).exists()
    services.erase_seeker(seeker=target)
    assert _numbers(programme) == before
    erased = JobSeeker.objects.get(pk=target.pk)
    assert (erased.first_name, erased.last_name, erased.email, erased.phone, erased.birth_year) == (
        "",
        "",
        "",
        "",
        None,
    )
    assert erased.anonymised_at is not None
    assert not erased.consents.exists()
    assert not Document.objects.filter(doc_type=indexing.SEEKER_DOC, doc_id=target.pk).exists()
    text = json.dumps(selectors.export_seeker_data(erased), ensure_ascii=False)
    assert target.first_name not in text and target.last_name not in text and target.email not in text


def test_retention_anonymises_only_inactive_profiles(settings):
    settings.TALENT_RETENTION_DAYS = 30
    old = SeekerFactory(last_activity_at=timezone.now() - dt.timedelta(days=31))
    recent = SeekerFactory(last_activity_at=timezone.now() - dt.timedelta(days=29))
    assert services.anonymise_inactive() == 1
    assert JobSeeker.objects.get(pk=old.pk).anonymised_at is not None
    assert JobSeeker.objects.get(pk=recent.pk).last_name == recent.last_name


def test_retention_default_is_two_years_and_the_command_runs(settings, capsys):
    del settings.TALENT_RETENTION_DAYS
    assert services.retention_days() == 730
    old = SeekerFactory(last_activity_at=timezone.now() - dt.timedelta(days=731))
    call_command("talent_retention")
    assert "1 profile(s) anonymised (retention: 730 days)" in capsys.readouterr().out
    assert JobSeeker.objects.get(pk=old.pk).anonymised_at is not None


def test_retention_task_anonymises(settings):
    from filiere.talent.tasks import anonymise_inactive_profiles

    settings.TALENT_RETENTION_DAYS = 1
    old = SeekerFactory(last_activity_at=timezone.now() - dt.timedelta(days=3))
    anonymise_inactive_profiles.enqueue()
    assert JobSeeker.objects.get(pk=old.pk).anonymised_at is not None


def test_without_consent_a_profile_is_not_indexed_and_withdrawal_removes_it():
    seeker = SeekerFactory()
    services.set_consent(seeker=seeker, purpose="programme_followup", given=True, by=None)
    assert not Document.objects.filter(doc_type=indexing.SEEKER_DOC, doc_id=seeker.pk).exists()
    consenting(seeker, "share_with_companies")
    assert Document.objects.filter(doc_type=indexing.SEEKER_DOC, doc_id=seeker.pk).exists()
    services.set_consent(seeker=seeker, purpose="share_with_companies", given=False, by=None)
    assert not Document.objects.filter(doc_type=indexing.SEEKER_DOC, doc_id=seeker.pk).exists()
    consent = seeker.consents.get(purpose="share_with_companies")
    assert consent.withdrawn_at is not None and consent.given_at is not None


def test_erasure_from_the_page_needs_confirmation(client):
    seeker = SeekerFactory()
    client.force_login(adviser_of(seeker.structure))
    client.post(f"/talents/personnes/{seeker.pk}/effacer/", {})
    assert JobSeeker.objects.get(pk=seeker.pk).anonymised_at is None
    client.post(f"/talents/personnes/{seeker.pk}/effacer/", {"confirm": "1"})
    assert JobSeeker.objects.get(pk=seeker.pk).anonymised_at is not None
