"""Writes: value entry validation, computed indicators, and the activity log each write leaves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.organisations.models import State
from filiere.roadmaps import services
from filiere.roadmaps.models import ActivityLog, Computation

from .factories import (
    ActionFactory,
    EstablishmentFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db


def test_record_value_accepts_french_number_and_logs():
    user = UserFactory()
    indicator = IndicatorFactory()
    entry = services.record_indicator_value(
        user=user, indicator=indicator, date=dt.date(2020, 6, 30), value="1 250,5", source="Insee"
    )
    assert entry.value == Decimal("1250.5") and entry.entered_by == user
    log = ActivityLog.objects.get(plan=indicator.plan)
    assert (log.user, log.verb, log.object_type, log.object_id) == (
        user,
        "value_recorded",
        "indicator",
        indicator.pk,
    )
    assert log.changes["value"] == [None, "1250.5"]


@pytest.mark.parametrize("value", ["beaucoup", "", "1,2,3", "NaN"])
def test_record_value_refuses_text(value):
    indicator = IndicatorFactory()
    with pytest.raises(ValidationError, match="n'est pas un nombre"):
        services.record_indicator_value(user=None, indicator=indicator, date=dt.date(2020, 1, 1), value=value)
    assert not indicator.values.exists() and not ActivityLog.objects.exists()


def test_record_value_refuses_date_outside_plan_period_plus_one_year():
    indicator = IndicatorFactory(
        plan=PlanFactory(start_date=dt.date(2018, 1, 1), end_date=dt.date(2021, 12, 31))
    )
    services.record_indicator_value(user=None, indicator=indicator, date=dt.date(2022, 12, 1), value=1)
    with pytest.raises(ValidationError, match="période du plan"):
        services.record_indicator_value(user=None, indicator=indicator, date=dt.date(2023, 3, 1), value=1)
    with pytest.raises(ValidationError, match="période du plan"):
        services.record_indicator_value(user=None, indicator=indicator, date=dt.date(2016, 6, 1), value=1)


def test_record_value_refuses_far_future():
    today = timezone.localdate()
    plan = PlanFactory(start_date=today, end_date=today + dt.timedelta(days=2000))
    indicator = IndicatorFactory(plan=plan)
    with pytest.raises(ValidationError, match="futur"):
        services.record_indicator_value(
            user=None, indicator=indicator, date=today + dt.timedelta(days=400), value=1
        )


def test_create_plan_validates_period_and_logs():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.create_plan(
            user=user,
            title="X",
            region_id=region("27").pk,
            start_date=dt.date(2022, 1, 1),
            end_date=dt.date(2021, 1, 1),
        )
    plan = services.create_plan(
        user=user,
        title="Contrat",
        region_id="27",
        start_date=dt.date(2019, 3, 7),
        end_date=dt.date(2023, 3, 6),
    )
    assert ActivityLog.objects.filter(plan=plan, verb="created", object_type="plan").count() == 1


def test_update_plan_logs_field_changes():
    plan = PlanFactory(title="Ancien")
    services.update_plan(user=None, plan=plan, fields={"title": "Nouveau", "is_public": True})
    log = ActivityLog.objects.get(plan=plan, verb="updated")
    assert log.changes == {"title": ["Ancien", "Nouveau"]}


def test_action_dates_must_fall_within_plan_period():
    objective = ObjectiveFactory(
        axis__plan=PlanFactory(start_date=dt.date(2018, 1, 1), end_date=dt.date(2021, 12, 31))
    )
    with pytest.raises(ValidationError) as info:
        services.create_action(
            user=None, objective=objective, title="Trop tard", fields={"end_date": dt.date(2022, 6, 1)}
        )
    assert "end_date" in info.value.message_dict


def test_action_budget_cannot_be_negative():
    objective = ObjectiveFactory()
    with pytest.raises(ValidationError) as info:
        services.create_action(
            user=None, objective=objective, title="A", fields={"budget_planned": Decimal(-1)}
        )
    assert "budget_planned" in info.value.message_dict


def test_update_action_logs_changes_and_partners():
    action = ActionFactory(status="not_started")
    partner = EstablishmentFactory(organisation__name="Numérica").organisation
    services.update_action(user=None, action=action, fields={"status": "done"}, partners=[partner])
    log = ActivityLog.objects.get(verb="updated", object_type="action")
    assert log.changes == {"status": ["not_started", "done"], "partners": ["", "Numérica"]}


def test_computed_indicator_counts_active_digital_establishments_of_the_region():
    plan = PlanFactory(region=region("75"))
    EstablishmentFactory.create_batch(3, region_code="75", is_digital=True)
    EstablishmentFactory(region_code="75", is_digital=True, state=State.CLOSED)
    EstablishmentFactory(region_code="75", is_digital=False)
    EstablishmentFactory(region_code="27", is_digital=True)
    indicator = IndicatorFactory(
        plan=plan, computation=Computation.COMPUTED, computed_key="digital_establishments_in_region"
    )
    organisations = IndicatorFactory(
        plan=plan, computation=Computation.COMPUTED, computed_key="organisations_in_region"
    )
    services.refresh_computed_indicators(plan=plan)
    services.refresh_computed_indicators(plan=plan)  # same day: updated, not duplicated
    assert [v.value for v in indicator.values.all()] == [Decimal(3)]
    assert [v.value for v in organisations.values.all()] == [Decimal(4)]
    assert indicator.values.get().date == timezone.localdate()
    assert ActivityLog.objects.filter(verb="computed").count() == 2


def test_computed_indicators_read_the_training_programmes_of_the_region():
    from filiere.talent.models import File, Outcome
    from filiere.talent.tests.factories import CohortFactory, SeekerFactory

    plan = PlanFactory(region=region("44"))
    old = CohortFactory(programme__region=region("44"), year=2024)
    new = CohortFactory(programme=old.programme, year=2025)
    CohortFactory(programme__region=region("75"), year=2025)  # another region: not counted

    def add(cohort, state, entered, outcome=None):
        file = File.objects.create(
            cohort=cohort,
            seeker=SeekerFactory(),
            state=state,
            applied_on=dt.date(2025, 1, 10),
            entered_training=entered,
        )
        if outcome:
            Outcome.objects.create(file=file, months=6, status=outcome, observed_on=dt.date(2025, 12, 1))

    add(old, "placed", True, "cdi")
    add(old, "trained", True, "seeking")
    add(new, "applied", False)
    add(new, "placed", True, "cdd_6_plus")
    add(new, "in_training", True)
    indicators = {
        key: IndicatorFactory(plan=plan, computation=Computation.COMPUTED, computed_key=key)
        for key in (
            "programme_files_latest_year",
            "programme_trainees_latest_year",
            "programme_back_to_work_rate",
        )
    }
    services.refresh_computed_indicators(plan=plan)
    values = {key: indicator.values.get().value for key, indicator in indicators.items()}
    assert values == {
        "programme_files_latest_year": Decimal(3),  # 2025 only
        "programme_trainees_latest_year": Decimal(2),
        "programme_back_to_work_rate": Decimal("66.7"),  # 2 employed of 3 known, all years
    }
