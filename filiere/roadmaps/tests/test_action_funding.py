"""An action's page shows the money other apps record for it (granted, paid) against its spent
budget; roadmaps finds them through the AppConfigs (`roadmap_action_funding`), importing none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from filiere.roadmaps import selectors

from .factories import ActionFactory

pytestmark = pytest.mark.django_db

GIVEN: dict[int, dict[str, Decimal]] = {}


def fake_funding(action_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    return {action_id: GIVEN[action_id] for action_id in action_ids if action_id in GIVEN}


@pytest.fixture
def registered(monkeypatch: Any) -> None:
    # Only this test module's function answers (whatever the installed apps register).
    GIVEN.clear()
    for config in apps.get_app_configs():
        if getattr(config, "roadmap_action_funding", None):
            monkeypatch.setattr(config, "roadmap_action_funding", None)
    monkeypatch.setattr(
        apps.get_app_config("events"),
        "roadmap_action_funding",
        "filiere.roadmaps.tests.test_action_funding.fake_funding",
        raising=False,
    )


def test_granted_paid_and_spent_beyond_the_funding(client: Any, registered: None) -> None:
    action = ActionFactory(budget_planned=Decimal(100_000), budget_spent=Decimal(90_000))
    GIVEN[action.pk] = {"granted": Decimal(60_000), "paid": Decimal(45_000)}
    funding = selectors.action_funding(action)
    assert funding == {
        "granted": Decimal(60_000),
        "paid": Decimal(45_000),
        "spent": Decimal(90_000),
        "unfunded": Decimal(30_000),
        "paid_percent": 75,
    }
    html = client.get(reverse("roadmaps:action_detail", args=[action.pk])).content.decode()
    assert "Financements accordés" in html
    assert "60\u202f000 € · 90\u202f000 € consommés" in html
    assert "30\u202f000 € dépensés au-delà des financements" in html
    assert "45\u202f000 € (75 % de l'accordé)" in html


def test_nothing_recorded_shows_nothing(client: Any, registered: None) -> None:
    action = ActionFactory(budget_spent=Decimal(10))
    assert selectors.action_funding(action) is None
    html = client.get(reverse("roadmaps:action_detail", args=[action.pk])).content.decode()
    assert "Financements accordés" not in html


def test_the_plan_sums_its_actions_budget_and_funding(client: Any, registered: None) -> None:
    funded = ActionFactory(budget_planned=Decimal(100_000), budget_spent=Decimal(90_000))
    objective = funded.objective
    other = ActionFactory(objective=objective, budget_planned=Decimal(50_000), budget_spent=Decimal(20_000))
    ActionFactory(objective=objective)  # no budget, no funding: not counted
    GIVEN[funded.pk] = {"granted": Decimal(60_000), "paid": Decimal(45_000)}
    GIVEN[other.pk] = {"granted": Decimal(30_000), "paid": Decimal(0)}
    plan = objective.axis.plan

    budget = selectors.plan_budget(selectors.plan_tree(plan))

    assert budget == {
        "planned": Decimal(150_000),
        "spent": Decimal(110_000),
        "granted": Decimal(90_000),
        "paid": Decimal(45_000),
        "unfunded": Decimal(20_000),
        "funded_percent": 60,
    }
    html = client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).content.decode()
    assert "150\u202f000 € prévus · 110\u202f000 € consommés" in html
    assert "90\u202f000 € accordés · 45\u202f000 € versés" in html and "(60 % du budget prévu)" in html
    assert "20\u202f000 € dépensés au-delà des financements" in html


def test_a_plan_without_budgets_shows_no_budget(client: Any, registered: None) -> None:
    action = ActionFactory()
    plan = action.objective.axis.plan
    assert selectors.plan_budget(selectors.plan_tree(plan)) is None
    assert (
        'id="plan-budget"' not in client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).content.decode()
    )


def test_budgets_without_recorded_funding_show_no_funding_gap(client: Any, registered: None) -> None:
    action = ActionFactory(budget_planned=Decimal(100_000), budget_spent=Decimal(40_000))
    plan = action.objective.axis.plan
    html = client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).content.decode()
    assert "100\u202f000 € prévus · 40\u202f000 € consommés" in html
    assert "accordés" not in html and "au-delà des financements" not in html  # nothing recorded here
