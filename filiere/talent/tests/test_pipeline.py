"""The programme pipeline: legal and illegal moves, their log, cohorts and outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from filiere.talent import services
from filiere.talent.models import Cohort, File, FileState, FileTransition, Outcome, OutcomeStatus

from .factories import CohortFactory, ProgrammeFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db
FULL = [FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED, FileState.PLACED]


def _file(**kwargs: object) -> File:
    cohort = CohortFactory()
    return services.open_file(
        cohort=cohort, seeker=SeekerFactory(), by=None, applied_on=dt.date(2025, 1, 10), **kwargs
    )


def test_a_file_moves_through_the_whole_pipeline_and_every_move_is_logged():
    file = _file()
    adviser = UserFactory()
    for state in FULL:
        services.move_file(
            file=file, to_state=state, by=adviser, reason=f"vers {state}", on=dt.date(2025, 10, 15)
        )
    file.refresh_from_db()
    assert file.state == FileState.PLACED
    assert file.entered_training is True
    assert file.placed_on == dt.date(2025, 10, 15)
    moves = list(FileTransition.objects.filter(file=file).values_list("from_state", "to_state", "by_id"))
    assert moves[0] == ("", FileState.APPLIED, None)
    assert [m[1] for m in moves[1:]] == FULL
    assert {m[2] for m in moves[1:]} == {adviser.pk}


def test_an_illegal_move_is_refused_with_the_allowed_ones_and_nothing_is_logged():
    file = _file()
    with pytest.raises(ValidationError) as exc:
        services.move_file(file=file, to_state=FileState.PLACED, by=None)
    message = exc.value.message_dict["to_state"][0]
    assert "Candidature reçue" in message and "En emploi" in message and "Présélectionné" in message
    assert FileTransition.objects.filter(file=file).count() == 1
    file.refresh_from_db()
    assert file.state == FileState.APPLIED


def test_final_states_accept_no_move():
    file = _file()
    services.move_file(file=file, to_state=FileState.NOT_RETAINED, by=None, reason="Projet à consolider")
    with pytest.raises(ValidationError, match="état final"):
        services.move_file(file=file, to_state=FileState.PRESELECTED, by=None)


def test_withdrawal_needs_a_reason():
    file = _file()
    with pytest.raises(ValidationError) as exc:
        services.move_file(file=file, to_state=FileState.WITHDRAWN, by=None, reason="  ")
    assert "motif" in exc.value.message_dict["reason"][0]


def test_a_move_dated_before_the_application_is_refused():
    file = _file()
    with pytest.raises(ValidationError):
        services.move_file(file=file, to_state=FileState.PRESELECTED, by=None, on=dt.date(2024, 12, 1))


def test_a_person_has_one_file_per_cohort():
    file = _file()
    with pytest.raises(ValidationError, match="déjà un dossier"):
        services.open_file(cohort=file.cohort, seeker=file.seeker, by=None)
    assert File.objects.count() == 1


def test_file_copies_the_dashboard_facts():
    seeker = SeekerFactory(gender="M", birth_year=2003, department_code="68")
    file = services.open_file(cohort=CohortFactory(), seeker=seeker, by=None, applied_on=dt.date(2025, 1, 1))
    assert (file.gender, file.age_band, file.department_code) == ("M", "under_26", "68")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start_date": dt.date(2025, 9, 1), "end_date": dt.date(2025, 3, 1)}, "end_date"),
        ({"places": -3}, "places"),
        ({"places": 0}, "places"),
        ({"name": "  "}, "name"),
    ],
)
def test_impossible_cohorts_are_refused(kwargs, field):
    programme = ProgrammeFactory()
    data = {
        "name": "Promotion 2026",
        "year": 2026,
        "start_date": dt.date(2026, 3, 1),
        "end_date": dt.date(2026, 9, 1),
        "places": 20,
    }
    with pytest.raises(ValidationError) as exc:
        services.create_cohort(programme=programme, **{**data, **kwargs})
    assert field in exc.value.message_dict
    assert not Cohort.objects.filter(programme=programme).exists()


def _placed() -> File:
    file = _file()
    for state in FULL:
        services.move_file(file=file, to_state=state, by=None, on=dt.date(2025, 10, 15))
    return file


def test_outcome_at_six_months_is_recorded_and_corrected():
    file = _placed()
    services.record_outcome(
        file=file, months=6, status=OutcomeStatus.CDD_LONG, observed_on=dt.date(2026, 3, 31), by=None
    )
    services.record_outcome(
        file=file, months=6, status=OutcomeStatus.CDI, observed_on=dt.date(2026, 4, 1), by=None
    )
    assert list(Outcome.objects.filter(file=file).values_list("months", "status")) == [(6, OutcomeStatus.CDI)]


def test_outcome_observed_before_placement_is_refused():
    file = _placed()
    with pytest.raises(ValidationError) as exc:
        services.record_outcome(
            file=file, months=6, status=OutcomeStatus.CDI, observed_on=dt.date(2025, 10, 1), by=None
        )
    assert "15/10/2025" in exc.value.message_dict["observed_on"][0]
    assert not Outcome.objects.exists()


def test_outcome_of_someone_who_never_trained_is_refused():
    file = _file()
    with pytest.raises(ValidationError) as exc:
        services.record_outcome(
            file=file, months=6, status=OutcomeStatus.CDI, observed_on=dt.date(2026, 1, 1), by=None
        )
    assert "file" in exc.value.message_dict


def test_outcome_with_unknown_delay_is_refused():
    file = _placed()
    with pytest.raises(ValidationError) as exc:
        services.record_outcome(
            file=file, months=5, status=OutcomeStatus.CDI, observed_on=dt.date(2026, 4, 1), by=None
        )
    assert "months" in exc.value.message_dict
