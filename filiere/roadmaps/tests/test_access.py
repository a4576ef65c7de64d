"""Who may read and edit a plan."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from filiere.roadmaps.selectors import (
    can_edit_action,
    can_edit_indicator,
    can_edit_plan,
    get_plan_for_user,
    plans_for_user,
)

from .factories import (
    ActionFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    RegionalRoleFactory,
    UserFactory,
    region,
)

pytestmark = pytest.mark.django_db


def test_public_plan_is_readable_by_anyone():
    plan = PlanFactory()
    assert get_plan_for_user(AnonymousUser(), plan.pk) == plan


def test_private_plan_is_hidden_from_anonymous_and_strangers(client):
    plan = PlanFactory(private=True)
    for user in (AnonymousUser(), UserFactory()):
        with pytest.raises(Http404):
            get_plan_for_user(user, plan.pk)
    assert client.get(reverse("roadmaps:plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("roadmaps:plan_export", args=[plan.pk])).status_code == 404
    assert client.get(f"/api/roadmaps/plans/{plan.pk}").status_code == 404
    assert plan not in plans_for_user(AnonymousUser())


def test_private_plan_is_readable_by_staff_regional_admin_and_partner_members():
    plan = PlanFactory(private=True, region=region("44"))
    member = MembershipFactory()
    plan.partners.add(member.organisation)
    staff = UserFactory(is_staff=True)
    admin = RegionalRoleFactory(region=region("44")).user
    for user in (staff, admin, member.user):
        assert get_plan_for_user(user, plan.pk) == plan
        assert plan in plans_for_user(user)
    other_region_admin = RegionalRoleFactory(region=region("27")).user
    with pytest.raises(Http404):
        get_plan_for_user(other_region_admin, plan.pk)


def test_unknown_or_malformed_id_is_404():
    with pytest.raises(Http404):
        get_plan_for_user(AnonymousUser(), 999999)
    with pytest.raises(Http404):
        get_plan_for_user(AnonymousUser(), "abc")


def test_regional_admin_of_the_region_edits_the_plan():
    plan = PlanFactory(region=region("75"))
    assert can_edit_plan(RegionalRoleFactory(region=region("75")).user, plan)
    assert can_edit_plan(UserFactory(is_staff=True), plan)
    assert not can_edit_plan(RegionalRoleFactory(region=region("27")).user, plan)
    assert not can_edit_plan(UserFactory(), plan)
    assert not can_edit_plan(AnonymousUser(), plan)


def test_owner_editor_edits_its_action_and_indicators_only():
    editor = MembershipFactory(editor=True)
    action = ActionFactory(owner=editor.organisation)
    indicator = IndicatorFactory(plan=action.objective.axis.plan)
    indicator.actions.add(action)
    assert can_edit_action(editor.user, action)
    assert can_edit_indicator(editor.user, indicator)
    assert not can_edit_plan(editor.user, action.objective.axis.plan)
    assert not can_edit_action(editor.user, ActionFactory())
    plain_member = MembershipFactory(organisation=editor.organisation)
    assert not can_edit_action(plain_member.user, action)
