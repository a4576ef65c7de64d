"""Pages: plan list and tree, action, indicator chart and value entry, import form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from filiere.roadmaps.models import ActivityLog

from .factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    RegionalRoleFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator():
    action = ActionFactory(
        title="Chèque transformation numérique", objective__axis__plan__region=region("75")
    )
    indicator = IndicatorFactory(
        plan=action.objective.axis.plan, name="Emplois du numérique", baseline_value=Decimal(100)
    )
    indicator.actions.add(action)
    IndicatorTargetFactory(indicator=indicator, value=Decimal(200))
    IndicatorValueFactory(indicator=indicator, value=Decimal(120), date=dt.date(2019, 6, 30))
    return indicator


@pytest.fixture
def editor(client):
    user = RegionalRoleFactory(region=region("75")).user
    client.force_login(user)
    return user


def test_plan_list_and_page_show_tree_and_progress(client, indicator):
    plan = indicator.plan
    assert plan.title in client.get(reverse("roadmaps:plan_list")).content.decode()
    html = client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).content.decode()
    assert "Chèque transformation numérique" in html
    assert "Emplois du numérique à 20\u00a0%" in html
    assert '<progress max="100" value="20"' in html
    assert reverse("roadmaps:plan_export", args=[plan.pk]) in html
    assert reverse("roadmaps:plan_import", args=[plan.pk]) not in html  # read-only for the public


def test_action_page(client, indicator):
    action = indicator.actions.get()
    html = client.get(reverse("roadmaps:action_detail", args=[action.pk])).content.decode()
    assert action.title in html and "Emplois du numérique" in html


def test_indicator_page_has_svg_chart_with_table_alternative(client, indicator):
    response = client.get(reverse("roadmaps:indicator_detail", args=[indicator.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert '<table id="indicator-data">' in html and "31/12/2021" in html and "Cible" in html
    assert "Saisir une valeur mesurée" not in html  # no form for the public


def test_editor_posts_a_value_and_progress_changes(client, editor, indicator):
    url = reverse("roadmaps:indicator_detail", args=[indicator.pk])
    assert "Saisir une valeur mesurée" in client.get(url).content.decode()
    response = client.post(url, {"date": "2020-12-31", "value": "160", "source": "Insee"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Emplois du numérique à 60\u00a0%" in html
    assert ActivityLog.objects.filter(user=editor, verb="value_recorded").exists()
    plan_html = client.get(reverse("roadmaps:plan_detail", args=[indicator.plan.pk])).content.decode()
    assert '<progress max="100" value="60"' in plan_html


def test_invalid_value_is_reported_and_not_stored(client, editor, indicator):
    url = reverse("roadmaps:indicator_detail", args=[indicator.pk])
    response = client.post(url, {"date": "2030-01-01", "value": "beaucoup"})
    assert response.status_code == 400
    assert "n&#x27;est pas un nombre" in response.content.decode()
    assert indicator.values.count() == 1


def test_anonymous_post_is_refused(client, indicator):
    response = client.post(
        reverse("roadmaps:indicator_detail", args=[indicator.pk]), {"date": "2020-12-31", "value": "160"}
    )
    assert response.status_code == 403
    assert indicator.values.count() == 1


def test_import_page_is_for_editors(client, indicator):
    url = reverse("roadmaps:plan_import", args=[indicator.plan.pk])
    assert client.get(url).status_code == 403
    client.force_login(RegionalRoleFactory(region=region("75")).user)
    assert client.get(url).status_code == 200


def test_activity_page(client, editor, indicator):
    client.post(
        reverse("roadmaps:indicator_detail", args=[indicator.pk]), {"date": "2020-12-31", "value": "160"}
    )
    html = client.get(reverse("roadmaps:plan_activity", args=[indicator.plan.pk])).content.decode()
    assert editor.username in html and "valeur saisie" in html and "value_recorded" not in html
    assert "indicateur « Emplois du numérique »" in html and "valeur : — → 160" in html


def test_owner_editor_updates_action_status_budget_and_steps(client, indicator):
    from filiere.roadmaps.models import ActionStep

    from .factories import ActionStepFactory, MembershipFactory

    action = indicator.actions.get()
    membership = MembershipFactory(editor=True)
    action.owner = membership.organisation
    action.save()
    step = ActionStepFactory(action=action, done=False)
    client.force_login(membership.user)
    url = reverse("roadmaps:action_detail", args=[action.pk])
    response = client.post(
        url,
        {
            "status": "done",
            "priority": "high",
            "budget_planned": "1000",
            "budget_spent": "800",
            "steps_done": [step.pk],
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.budget_spent) == ("done", Decimal(800))
    assert ActionStep.objects.get(pk=step.pk).done
    assert set(ActivityLog.objects.values_list("verb", flat=True)) == {"updated", "steps_updated"}


def test_action_update_refuses_negative_budget_and_strangers(client, indicator, editor):
    action = indicator.actions.get()
    url = reverse("roadmaps:action_detail", args=[action.pk])
    response = client.post(url, {"status": "done", "priority": "high", "budget_spent": "-5"})
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "not_started"
    client.logout()
    assert client.post(url, {"status": "done", "priority": "high"}).status_code == 403


def test_plan_page_queries_do_not_grow_with_the_tree(client, django_assert_max_num_queries, indicator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("roadmaps:plan_detail", args=[indicator.plan.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    objective = indicator.actions.get().objective
    for _n in range(10):
        action = ActionFactory(objective=objective)
        other = IndicatorFactory(plan=indicator.plan)
        other.actions.add(action)
        IndicatorValueFactory(indicator=other)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_activity_page_hides_who_from_the_public(client, indicator):
    from filiere.roadmaps.services import record_indicator_value

    from .factories import UserFactory

    record_indicator_value(
        user=UserFactory(username="agent-region"), indicator=indicator, date=dt.date(2020, 1, 1), value=1
    )
    html = client.get(reverse("roadmaps:plan_activity", args=[indicator.plan.pk])).content.decode()
    assert "valeur saisie" in html and "agent-region" not in html
