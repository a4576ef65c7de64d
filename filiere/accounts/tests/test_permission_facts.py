"""Roles read once per request (`permissions.facts_kept_for_request`), and read again after a write."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filiere.accounts import permissions as p
from filiere.accounts.models import Membership, RegionalRole, Role
from filiere.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_within_a_request_the_roles_are_read_once() -> None:
    firm, other = OrganisationFactory(), OrganisationFactory()
    user = MembershipFactory(organisation=firm, role=Role.EDITOR).user
    RegionalRole.objects.create(user=user, region=RegionFactory(code="27"))
    with p.facts_kept_for_request(), CaptureQueriesContext(connection) as queries:
        answers = [
            p.has_role(user, firm),
            p.has_role(user, other),
            p.has_role(user, firm, roles=(Role.ADMIN,)),
            p.organisation_ids_of(user),
            p.organisation_ids_of(user, roles=(Role.MEMBER,)),
            p.is_regional_admin(user),
            p.is_regional_admin(user, "27"),
            p.is_regional_admin(user, "44"),
            p.is_regional_admin(user, ""),
            p.administered_region_codes(user),
        ]
    assert answers == [True, False, False, {firm.pk}, set(), True, True, False, False, {"27"}]
    assert len(queries) == 2  # the memberships, the regional roles


def test_outside_a_request_every_call_reads_the_database() -> None:
    firm = OrganisationFactory()
    user = MembershipFactory(organisation=firm).user
    with CaptureQueriesContext(connection) as queries:
        p.has_role(user, firm, roles=p.ADVISER_ROLES)
        p.has_role(user, firm, roles=p.ADVISER_ROLES)
    assert len(queries) == 2


def test_a_role_written_during_the_request_is_read_again() -> None:
    firm = OrganisationFactory()
    user = UserFactory()
    region = RegionFactory(code="27")
    with p.facts_kept_for_request():
        assert not p.has_role(user, firm) and not p.is_regional_admin(user, "27")
        membership = MembershipFactory(organisation=firm, user=user, role=Role.MEMBER)
        regional = RegionalRole.objects.create(user=user, region=region)
        assert p.has_role(user, firm, roles=(Role.MEMBER,)) and p.is_regional_admin(user, "27")
        membership.role = Role.ADMIN
        membership.save()
        assert p.has_role(user, firm, roles=(Role.ADMIN,))
        assert p.organisation_ids_of(user, roles=(Role.MEMBER,)) == set()
        Membership.objects.filter(pk=membership.pk).get().delete()
        regional.delete()
        assert not p.has_role(user, firm, roles=p.ADVISER_ROLES) and not p.is_regional_admin(user)


def test_kept_sets_are_copies() -> None:
    user = UserFactory()
    RegionalRole.objects.create(user=user, region=RegionFactory(code="27"))
    with p.facts_kept_for_request():
        p.administered_region_codes(user).add("44")
        p.organisation_ids_of(user).add(12345)
        assert p.administered_region_codes(user) == {"27"}
        assert p.organisation_ids_of(user) == set()


def test_the_personal_space_reads_roles_once(client) -> None:
    firm = OrganisationFactory()
    user = MembershipFactory(organisation=firm, role=Role.ADMIN).user
    RegionalRole.objects.create(user=user, region=RegionFactory(code="27"))
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:space"))
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    user_is = f'WHERE "accounts_membership"."user_id" = {user.pk}'
    membership_reads = [
        q
        for q in sql
        if q.startswith('SELECT "accounts_membership"."organisation_id"') and q.endswith(user_is)
    ]
    regional_reads = [q for q in sql if q.startswith('SELECT "accounts_regionalrole"."region_id"')]
    # Once each; without the middleware the page asked them about thirty times.
    assert (len(membership_reads), len(regional_reads)) == (1, 1), sql
    assert firm.name in response.content.decode()


def test_a_request_that_changes_a_role_answers_with_the_new_one(client) -> None:
    firm = OrganisationFactory()
    admin = MembershipFactory(organisation=firm, role=Role.ADMIN).user
    colleague = MembershipFactory(organisation=firm, role=Role.MEMBER)
    client.force_login(admin)
    response = client.post(reverse("memberships:membership_role", args=[colleague.pk]), {"role": Role.EDITOR})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.EDITOR


def test_what_a_rolled_back_transaction_wrote_is_not_kept() -> None:
    firm = OrganisationFactory()
    user = UserFactory()
    with p.facts_kept_for_request():
        assert not p.has_role(user, firm, roles=p.ADVISER_ROLES)
        with pytest.raises(RuntimeError), transaction.atomic():
            MembershipFactory(organisation=firm, user=user, role=Role.MEMBER)
            assert p.has_role(user, firm, roles=p.ADVISER_ROLES)  # read inside: not kept
            raise RuntimeError("the service fails after the write")
        assert not p.has_role(user, firm, roles=p.ADVISER_ROLES)
