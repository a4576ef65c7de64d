"""Editing a plan in the pages: plan, axes, objectives, actions, steps, indicators, targets.

Every write goes through a service that logs who changed what (old → new), forms report bad
input on the field concerned, and a refused form saves nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from filiere.roadmaps.models import (
    Action,
    ActionStep,
    ActivityLog,
    Axis,
    Indicator,
    IndicatorTarget,
    Objective,
    Plan,
)

from .factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    RegionalRoleFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(region=region("75"), start_date=dt.date(2018, 1, 1), end_date=dt.date(2021, 12, 31))


@pytest.fixture
def editor(client):
    user = RegionalRoleFactory(region=region("75")).user
    client.force_login(user)
    return user


@pytest.fixture
def objective(plan):
    return ObjectiveFactory(axis__plan=plan, axis__title="Ambition 1", title="Fédérer")


def _action_data(**overrides):
    data = {
        "title": "Délégation au CES",
        "description": "",
        "owner_text": "",
        "partners_text": "",
        "funders_text": "",
        "budget_planned": "",
        "budget_spent": "",
        "status": "in_progress",
        "priority": "high",
        "start_date": "",
        "end_date": "",
        "weight": "1",
    }
    data.update(overrides)
    return data


def test_regional_admin_creates_a_plan_in_their_region_only(client, editor):
    region("27")
    url = reverse("roadmaps:plan_create")
    html = client.get(url).content.decode()
    assert "Nouvelle-Aquitaine" in html and "Bourgogne" not in html
    OrganisationFactory(name="Magelis")
    data = {
        "title": "Feuille de route 2022-2027",
        "kind": "roadmap",
        "region": "75",
        "start_date": "2022-01-01",
        "end_date": "2027-12-31",
        "axis_kind": "ambition",
        "description": "",
        "partners_text": "magelis",
    }
    assert client.post(url, {**data, "region": "27"}).status_code == 400  # not their region
    response = client.post(url, data)
    plan = Plan.objects.get(title="Feuille de route 2022-2027")
    assert response.status_code == 302 and response["Location"] == reverse(
        "roadmaps:plan_structure", args=[plan.pk]
    )
    assert [p.name for p in plan.partners.all()] == ["Magelis"] and not plan.is_public
    assert ActivityLog.objects.get(plan=plan).user == editor


def test_plan_form_reports_bad_period_and_unknown_partner(client, editor):
    data = {
        "title": "X",
        "kind": "contract",
        "region": "75",
        "start_date": "2022-01-01",
        "end_date": "2021-01-01",
        "axis_kind": "axis",
        "partners_text": "Société fantôme; ",
    }
    response = client.post(reverse("roadmaps:plan_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "La fin du plan précède son début." in html
    assert "Organisation inconnue dans l&#x27;annuaire : « Société fantôme »." in html
    assert not Plan.objects.exists()


def test_strangers_cannot_create_or_edit(client, plan):
    client.force_login(UserFactory())
    assert client.get(reverse("roadmaps:plan_create")).status_code == 403
    assert client.get(reverse("roadmaps:plan_edit", args=[plan.pk])).status_code == 403
    assert client.get(reverse("roadmaps:plan_structure", args=[plan.pk])).status_code == 403
    assert (
        client.post(
            reverse("roadmaps:axis_create", args=[plan.pk]), {"title": "A", "weight": "1"}
        ).status_code
        == 403
    )
    assert not Axis.objects.exists()


def test_plan_period_cannot_shrink_past_its_actions(client, editor, objective):
    ActionFactory(objective=objective, title="Tardive", end_date=dt.date(2021, 6, 30))
    plan = objective.axis.plan
    data = {
        "title": plan.title,
        "kind": plan.kind,
        "start_date": "2018-01-01",
        "end_date": "2020-12-31",
        "axis_kind": plan.axis_kind,
        "is_public": "on",
        "partners_text": "",
    }
    response = client.post(reverse("roadmaps:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 400
    assert "1 action a des dates hors de cette période : « Tardive »." in response.content.decode()
    plan.refresh_from_db()
    assert plan.end_date == dt.date(2021, 12, 31)
    response = client.post(reverse("roadmaps:plan_edit", args=[plan.pk]), {**data, "end_date": "2022-06-30"})
    assert response.status_code == 302
    log = ActivityLog.objects.get(plan=plan, verb="updated")
    assert log.changes == {"end_date": ["2021-12-31", "2022-06-30"]}


def test_axes_and_objectives_are_added_edited_and_reordered(client, editor, plan):
    for title in ("Rayonner", "Innover"):
        response = client.post(
            reverse("roadmaps:axis_create", args=[plan.pk]),
            {"kind": "ambition", "title": title, "description": "", "weight": "2"},
        )
        assert response.status_code == 302
    duplicate = client.post(
        reverse("roadmaps:axis_create", args=[plan.pk]),
        {"kind": "ambition", "title": "rayonner", "weight": "1"},
    )
    assert duplicate.status_code == 400 and "Le plan a déjà un axe de ce titre." in duplicate.content.decode()
    first, second = plan.axes.all()
    assert (first.title, first.position, first.weight, first.kind) == ("Rayonner", 1, Decimal(2), "ambition")
    response = client.post(reverse("roadmaps:node_move", args=["axe", second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert [a.title for a in plan.axes.all()] == ["Innover", "Rayonner"]
    assert ActivityLog.objects.filter(verb="moved", object_id=second.pk).exists()
    client.post(
        reverse("roadmaps:axis_edit", args=[first.pk]),
        {"kind": "priority", "title": "Rayonner davantage", "weight": "0"},
    )
    log = ActivityLog.objects.get(verb="updated", object_type="axis")
    assert log.changes == {
        "title": ["Rayonner", "Rayonner davantage"],
        "weight": ["2", "0"],
        "kind": ["ambition", "priority"],
    }
    response = client.post(
        reverse("roadmaps:objective_create", args=[first.pk]),
        {"title": "Fédérer l'écosystème", "weight": "1"},
    )
    assert response.status_code == 302
    assert Objective.objects.get(axis=first).title == "Fédérer l'écosystème"


def test_move_with_htmx_returns_the_structure_partial(client, editor, objective):
    a = ActionFactory(objective=objective, title="Première", position=1)
    b = ActionFactory(objective=objective, title="Seconde", position=2)
    response = client.post(
        reverse("roadmaps:node_move", args=["action", b.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="structure">')
    assert html.index("Seconde") < html.index("Première")
    assert [x.pk for x in objective.actions.all()] == [b.pk, a.pk]
    # Already first: nothing moves.
    client.post(reverse("roadmaps:node_move", args=["action", b.pk]), {"direction": "up"})
    assert [x.pk for x in objective.actions.all()] == [b.pk, a.pk]
    assert (
        client.post(reverse("roadmaps:node_move", args=["action", b.pk]), {"direction": "x"}).status_code
        == 400
    )


def test_action_is_created_with_every_field(client, editor, objective):
    owner = OrganisationFactory(name="Région Nouvelle-Aquitaine", acronym="RNA")
    partner = OrganisationFactory(name="Magelis", siren="123456789")
    indicator = IndicatorFactory(plan=objective.axis.plan, name="Emplois")
    data = _action_data(
        owner_text="rna",
        partners_text="123456789",
        funders_text="Région Nouvelle-Aquitaine; Magelis",
        budget_planned="250000",
        budget_spent="1000",
        start_date="2018-09-01",
        end_date="2019-01-31",
        weight="3",
        indicators=[indicator.pk],
    )
    response = client.post(reverse("roadmaps:action_create", args=[objective.pk]), data)
    action = Action.objects.get()
    assert response.status_code == 302
    assert (action.owner, action.budget_planned, action.weight, action.start_date) == (
        owner,
        Decimal(250000),
        Decimal(3),
        dt.date(2018, 9, 1),
    )
    assert list(action.partners.all()) == [partner] and set(action.funders.all()) == {owner, partner}
    assert list(action.indicators.all()) == [indicator]
    assert ActivityLog.objects.get(verb="created", object_type="action").user == editor


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start_date": "2017-06-01"},
            "start_date",
            "Date hors de la période du plan (01/01/2018 – 31/12/2021).",
        ),
        (
            {"start_date": "2019-06-01", "end_date": "2019-01-01"},
            "end_date",
            "La fin de l&#x27;action précède son début.",
        ),
        ({"budget_planned": "-10"}, "budget_planned", "Le montant ne peut pas être négatif."),
        ({"budget_spent": "beaucoup"}, "budget_spent", "Saisissez un nombre."),
        (
            {"owner_text": "Inconnue SA"},
            "owner_text",
            "Organisation inconnue dans l&#x27;annuaire : « Inconnue SA ».",
        ),
        (
            {"funders_text": "Magelis; Banque X"},
            "funders_text",
            "Organisation inconnue dans l&#x27;annuaire : « Banque X ».",
        ),
    ],
)
def test_bad_action_input_is_reported_on_its_field_and_nothing_is_saved(
    client, editor, objective, overrides, field, message
):
    OrganisationFactory(name="Magelis")
    response = client.post(reverse("roadmaps:action_create", args=[objective.pk]), _action_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}"' in html and 'aria-invalid="true"' in html
    assert not Action.objects.exists() and not ActivityLog.objects.exists()


def test_unknown_owner_may_be_kept_as_text(client, editor, objective):
    data = _action_data(owner_text="Association Aquitaine Numérique", owner_outside="on")
    assert client.post(reverse("roadmaps:action_create", args=[objective.pk]), data).status_code == 302
    action = Action.objects.get()
    assert action.owner is None and action.owner_name == "Association Aquitaine Numérique"


def test_overspending_is_allowed_but_flagged(client, editor, objective):
    data = _action_data(budget_planned="1000", budget_spent="1500")
    response = client.post(reverse("roadmaps:action_create", args=[objective.pk]), data, follow=True)
    html = response.content.decode()
    assert Action.objects.get().budget_spent == Decimal(1500)
    assert "le budget consommé dépasse le budget prévu" in html and 'id="overspent"' in html


def test_action_edit_logs_old_and_new_values(client, editor, objective):
    action = ActionFactory(
        objective=objective, title="Fibre", status="not_started", budget_planned=Decimal(10)
    )
    url = reverse("roadmaps:action_edit", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _action_data(title="Fibre", status="done", budget_planned="10", priority="medium")
    )
    assert response.status_code == 302
    log = ActivityLog.objects.get(verb="updated", object_type="action")
    assert log.user == editor and log.changes == {"status": ["not_started", "done"]}


def test_porteur_editor_edits_the_action_but_not_the_plan(client, objective):
    membership = MembershipFactory(editor=True)
    action = ActionFactory(objective=objective, owner=membership.organisation)
    client.force_login(membership.user)
    url = reverse("roadmaps:action_edit", args=[action.pk])
    data = _action_data(title=action.title, owner_text=membership.organisation.name, description="Précisée")
    assert client.post(url, data).status_code == 302
    assert Action.objects.get(pk=action.pk).description == "Précisée"
    assert client.get(reverse("roadmaps:plan_structure", args=[objective.axis.plan_id])).status_code == 403
    assert client.post(reverse("roadmaps:node_delete", args=["action", action.pk])).status_code == 403
    other = ActionFactory(objective=objective)
    assert client.get(reverse("roadmaps:action_edit", args=[other.pk])).status_code == 403


def test_steps_are_added_in_the_plan_period_and_deleted(client, editor, objective):
    action = ActionFactory(objective=objective)
    url = reverse("roadmaps:step_add", args=[action.pk])
    bad = client.post(url, {"step-title": "Trop tard", "step-due_date": "2023-01-01"})
    assert bad.status_code == 400 and "Date hors de la période du plan" in bad.content.decode()
    assert (
        client.post(url, {"step-title": "Appel à candidatures", "step-due_date": "2019-01-15"}).status_code
        == 302
    )
    step = ActionStep.objects.get()
    assert (step.title, step.position) == ("Appel à candidatures", 1)
    assert client.get(reverse("roadmaps:node_delete", args=["etape", step.pk])).status_code == 200
    client.post(reverse("roadmaps:node_delete", args=["etape", step.pk]))
    assert not ActionStep.objects.exists()
    assert ActivityLog.objects.filter(verb="deleted", object_type="actionstep").count() == 1


def test_deleting_an_axis_says_what_goes_with_it_and_logs(client, editor, objective):
    ActionFactory.create_batch(2, objective=objective)
    url = reverse("roadmaps:node_delete", args=["axe", objective.axis.pk])
    html = client.get(url).content.decode()
    assert "1 objectif, 2 actions" in html
    assert client.post(url).status_code == 302
    assert not Axis.objects.exists() and not Action.objects.exists()
    log = ActivityLog.objects.get(verb="deleted")
    assert log.object_repr == "Ambition 1" and log.changes == {"objectives": [1, None], "actions": [2, None]}


def test_unknown_kind_is_404(client, editor, objective):
    assert (
        client.post(reverse("roadmaps:node_delete", args=["plan", objective.axis.plan_id])).status_code == 404
    )


def test_indicator_is_created_with_links_and_a_computed_source(client, editor, objective):
    action = ActionFactory(objective=objective)
    url = reverse("roadmaps:indicator_create", args=[objective.axis.plan_id])
    data = {
        "name": "Établissements numériques",
        "unit": "établissements",
        "direction": "up",
        "computation": "computed",
        "computed_key": "",
        "baseline_value": "21 000",
        "actions": [action.pk],
    }
    response = client.post(url, data)
    assert (
        response.status_code == 400 and "Choisissez le calcul de la plateforme." in response.content.decode()
    )
    assert not Indicator.objects.exists()
    response = client.post(
        url, {**data, "baseline_value": "21000", "computed_key": "digital_establishments_in_region"}
    )
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert indicator.computed_key == "digital_establishments_in_region" and list(indicator.actions.all()) == [
        action
    ]


def test_targets_by_date_are_set_replaced_and_checked(client, editor, plan):
    indicator = IndicatorFactory(plan=plan)
    url = reverse("roadmaps:target_add", args=[indicator.pk])
    assert client.post(url, {"target-date": "2021-12-31", "target-value": "1 400 000"}).status_code == 302
    assert client.post(url, {"target-date": "2021-12-31", "target-value": "1 500 000"}).status_code == 302
    assert [(t.date, t.value) for t in indicator.targets.all()] == [(dt.date(2021, 12, 31), Decimal(1500000))]
    out = client.post(url, {"target-date": "2030-01-01", "target-value": "1"})
    assert out.status_code == 400 and "à un an près" in out.content.decode()
    text = client.post(url, {"target-date": "2020-01-01", "target-value": "beaucoup"})
    assert text.status_code == 400 and "n&#x27;est pas un nombre" in text.content.decode()
    assert indicator.targets.count() == 1
    changes = [log.changes for log in ActivityLog.objects.filter(verb="target_set").order_by("pk")]
    assert changes == [{"cible 2021-12-31": [None, "1400000"]}, {"cible 2021-12-31": ["1400000", "1500000"]}]
    target = IndicatorTarget.objects.get()
    client.post(reverse("roadmaps:node_delete", args=["cible", target.pk]))
    assert not IndicatorTarget.objects.exists()


def test_indicator_edit_page_shows_targets(client, editor, plan):
    target = IndicatorTargetFactory(indicator__plan=plan, value=Decimal(600000))
    html = client.get(reverse("roadmaps:indicator_edit", args=[target.indicator.pk])).content.decode()
    assert "600\u202f000" in html and reverse("roadmaps:node_delete", args=["cible", target.pk]) in html


def test_editors_see_the_editing_links(client, editor, objective):
    action = ActionFactory(objective=objective)
    indicator = IndicatorFactory(plan=objective.axis.plan)
    plan_html = client.get(reverse("roadmaps:plan_detail", args=[objective.axis.plan_id])).content.decode()
    assert reverse("roadmaps:plan_structure", args=[objective.axis.plan_id]) in plan_html
    structure = client.get(reverse("roadmaps:plan_structure", args=[objective.axis.plan_id])).content.decode()
    for url in (
        reverse("roadmaps:action_edit", args=[action.pk]),
        reverse("roadmaps:objective_edit", args=[objective.pk]),
        reverse("roadmaps:action_create", args=[objective.pk]),
    ):
        assert url in structure
    assert (
        reverse("roadmaps:indicator_edit", args=[indicator.pk])
        in client.get(reverse("roadmaps:indicator_detail", args=[indicator.pk])).content.decode()
    )
    assert reverse("roadmaps:plan_create") in client.get(reverse("roadmaps:plan_list")).content.decode()


def test_a_wrong_value_can_be_deleted_by_whoever_may_enter_values(client, objective):
    from filiere.roadmaps.models import IndicatorValue
    from filiere.roadmaps.selectors import activity_rows

    from .factories import IndicatorValueFactory

    membership = MembershipFactory(editor=True)
    action = ActionFactory(objective=objective, owner=membership.organisation)
    indicator = IndicatorFactory(plan=objective.axis.plan, name="Emplois")
    indicator.actions.add(action)
    value = IndicatorValueFactory(indicator=indicator, value=Decimal(9999999), date=dt.date(2020, 1, 1))
    url = reverse("roadmaps:node_delete", args=["valeur", value.pk])
    assert client.post(url)["Location"].startswith(reverse("accounts:login"))  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(membership.user)
    detail = client.get(reverse("roadmaps:indicator_detail", args=[indicator.pk])).content.decode()
    assert url in detail
    assert client.post(url).status_code == 302
    assert not IndicatorValue.objects.exists()
    row = activity_rows(ActivityLog.objects.filter(verb="value_deleted"))[0]
    assert (row.verb, row.object_type, row.entry.user) == ("valeur supprimée", "indicateur", membership.user)
    assert ("valeur", "9999999", None) in row.changes
