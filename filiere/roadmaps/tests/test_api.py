"""The JSON API: same numbers as the pages, and an OpenAPI snapshot of this app's part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from filiere.core.testing import assert_openapi_snapshot

from .factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi_roadmaps.json"


@pytest.fixture
def indicator():
    action = ActionFactory(title="Fibre", status="in_progress")
    indicator = IndicatorFactory(plan=action.objective.axis.plan, name="Prises", baseline_value=Decimal(0))
    indicator.actions.add(action)
    IndicatorTargetFactory(indicator=indicator, value=Decimal(1400000))
    IndicatorValueFactory(indicator=indicator, value=Decimal(700000), date=dt.date(2020, 12, 31))
    return indicator


def test_plans_list_hides_private_plans(client, indicator):
    PlanFactory(private=True)
    data = client.get("/api/roadmaps/plans").json()
    assert [p["id"] for p in data] == [indicator.plan.pk]
    assert data[0]["progress"]["percent"] == 50


def test_plan_detail_has_tree_and_progress(client, indicator):
    data = client.get(f"/api/roadmaps/plans/{indicator.plan.pk}").json()
    action = data["axes"][0]["objectives"][0]["actions"][0]
    assert action["title"] == "Fibre" and action["indicator_ids"] == [indicator.pk]
    assert action["progress"] == {
        "value": 0.5,
        "percent": 50,
        "explanation": "Prises à 50\u00a0% (700\u202f000 / cible 1\u202f400\u202f000)",
    }
    assert (
        data["axes"][0]["progress"]["explanation"] == "0 action sur 1 terminée, indicateur Prises à 50\u00a0%"
    )


def test_indicator_series(client, indicator):
    data = client.get(f"/api/roadmaps/indicators/{indicator.pk}/series").json()
    assert data["baseline"] == {"date": "2018-01-01", "value": 0.0}
    assert data["targets"] == [{"date": "2021-12-31", "value": 1400000.0}]
    assert data["values"][0]["value"] == 700000.0


def test_openapi_snapshot(client):
    assert_openapi_snapshot(client, "/api/roadmaps/", SNAPSHOT)
