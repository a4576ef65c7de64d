"""The programme dashboard: situations at 3, 6 and 12 months, unknown ones (not yet due vs due),
per cohort; the page and the API show the same numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.talent import selectors, services
from filiere.talent.dashboard import add_months
from filiere.talent.models import FileState, OutcomeStatus

from .factories import CohortFactory, ProgrammeFactory, SeekerFactory, adviser_of

pytestmark = pytest.mark.django_db

TRAINED = (FileState.PRESELECTED, FileState.SELECTED, FileState.IN_TRAINING, FileState.TRAINED)


def _trained(cohort, *, gender="F", outcomes=()):
    file = services.open_file(
        cohort=cohort, seeker=SeekerFactory(gender=gender), by=None, applied_on=cohort.start_date
    )
    for state in TRAINED:
        services.move_file(file=file, to_state=state, by=None, on=cohort.end_date)
    for months, status in outcomes:
        observed = add_months(cohort.end_date, months)
        services.record_outcome(file=file, months=months, status=status, observed_on=observed, by=None)
    return file


@pytest.fixture
def programme():
    """Cohort A ended 30 Sept. 2025; cohort B ended 31 March 2026. Today: 15 May 2026."""
    programme = ProgrammeFactory()
    a = CohortFactory(programme=programme, name="Promotion A", year=2025)
    b = CohortFactory(
        programme=programme,
        name="Promotion B",
        year=2026,
        start_date=dt.date(2025, 10, 1),
        end_date=dt.date(2026, 3, 31),
    )
    _trained(a, outcomes=[(3, OutcomeStatus.CDI), (6, OutcomeStatus.CDI)])
    _trained(a, gender="M", outcomes=[(3, OutcomeStatus.SEEKING), (6, OutcomeStatus.UNKNOWN)])
    _trained(a, gender="M")  # nothing recorded
    _trained(b, outcomes=[(3, OutcomeStatus.ALTERNANCE)])
    _trained(b, gender="M")
    return programme


TODAY = dt.date(2026, 5, 15)


def test_situations_at_3_6_and_12_months_with_unknowns(programme):
    board = selectors.programme_dashboard(programme, today=TODAY)
    three, six, twelve = board.total.outcomes
    assert [f.months for f in board.total.outcomes] == [3, 6, 12]
    # Cohort A's 3 and 6 months are due (31 Dec. 2025, 31 March 2026); B's 3 months are due on 30 June.
    assert (six.known, six.employed, six.rate) == (1, 1, 100.0)
    assert (six.not_yet_due, six.due_unknown) == (2, 2)  # B's two; A's "unknown" and A's missing one
    assert (twelve.known, twelve.not_yet_due, twelve.due_unknown) == (0, 5, 0)
    assert three.known + three.not_yet_due + three.due_unknown == 5
    assert three.due_unknown == 1  # A's third person


def test_per_cohort_and_per_gender(programme):
    board = selectors.programme_dashboard(programme, today=TODAY)
    a, b = board.by_cohort
    assert (a.label, a.files, a.follow[6].due_unknown, a.follow[6].not_yet_due) == ("Promotion A", 3, 2, 0)
    assert (b.label, b.files, b.follow[6].due_unknown, b.follow[6].not_yet_due) == ("Promotion B", 2, 0, 2)
    men = next(f for f in board.by_gender if f.files == 3)
    assert men.follow[6].due_unknown == 2 and men.follow[6].known == 0
    # The former 6-month names still read the 6-month horizon (roadmaps' computed indicators).
    assert (board.total.outcome6_known, board.total.employed6, board.total.back_to_work_rate) == (1, 1, 100.0)


def test_every_trained_person_is_counted_once_per_horizon(programme):
    board = selectors.programme_dashboard(programme, today=TODAY)
    for group in [board.total, *board.by_cohort, *board.by_year, *board.by_gender, *board.by_age]:
        for follow in group.outcomes:
            assert follow.known + follow.not_yet_due + follow.due_unknown == group.completed


def test_page_and_api_show_the_same_horizons(client, programme):
    client.force_login(adviser_of(programme.structure))
    data = client.get(f"/api/talent/programmes/{programme.pk}/dashboard").json()
    board = selectors.programme_dashboard(programme)
    assert data["total"]["outcomes"] == [f.as_dict() for f in board.total.outcomes]
    assert [c["label"] for c in data["by_cohort"]] == ["Promotion A", "Promotion B"]
    page = client.get(f"/talents/programmes/{programme.pk}/tableau-de-bord/").content.decode()
    assert "Par promotion" in page and "À 12 mois" in page and "Échues, inconnues" in page
    assert 'id="fig-back-to-work-12"' in page


def test_add_months_keeps_the_end_of_month():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 9, 30), 3) == dt.date(2025, 12, 30)


@pytest.mark.parametrize("year", ["²²²²", "2025²", "99999999999999999999", "abcd", "-202"])
def test_nonsense_year_shows_every_year(client, programme, year):
    client.force_login(adviser_of(programme.structure))
    response = client.get(f"/talents/programmes/{programme.pk}/tableau-de-bord/", {"annee": year})
    assert response.status_code == 200 and "Promotion A" in response.content.decode()


def test_page_charts_the_three_horizons_per_cohort_gender_age_and_department(client, programme):
    client.force_login(adviser_of(programme.structure))
    page = client.get(f"/talents/programmes/{programme.pk}/tableau-de-bord/").content.decode()
    for group in ("promotion", "genre", "tranche d'âge", "département"):
        assert f"Retour à l'emploi à 3, 6 et 12 mois par {group}".replace("'", "&#x27;") in page
    cohort_chart = page.split('id="chart-by-cohort-title"')[1].split("</svg>")[0]
    # Promotion A: 3 months 1 employed of 2 known and 1 unknown; 6 months 100 % and 2 unknown.
    assert cohort_chart.count(">3 mois</text>") == 2
    assert "50 % · 1 inconnue<" in cohort_chart and "100 % · 2 inconnues<" in cohort_chart
    assert "aucune connue · 2 à venir" in cohort_chart  # Promotion B at 6 months


def test_english_page_writes_english_decimals(client, programme):
    _trained(programme.cohorts.get(name="Promotion A"), outcomes=[(3, OutcomeStatus.CDI)])
    client.force_login(adviser_of(programme.structure))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/talents/programmes/{programme.pk}/tableau-de-bord/").content.decode()
    assert "Back to work at 3, 6 and 12 months by cohort" in page
    # Promotion A at 3 months: 2 in employment among 3 known situations.
    cohort_chart = page.split('id="chart-by-cohort-title"')[1].split("</svg>")[0]
    assert "66.7 % · 1 unknown<" in cohort_chart and ">3 months</text>" in cohort_chart
    assert "66.7 %" in page.split("<table")[1] and "66,7" not in page  # the cohort table too
