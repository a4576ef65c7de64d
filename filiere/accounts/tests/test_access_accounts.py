"""Login with rate limiting, logout, "mes organisations"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filiere.accounts.models import Role
from filiere.organisations.tests.factories import (
    PASSWORD,
    MembershipFactory,
    RegionalRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1"
    )


def test_login_and_logout(client):
    user = UserFactory(username="camille")
    response = login(client, "camille", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sixth_attempt_with_the_right_password_is_refused_after_five_failures(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    UserFactory(username="camille")
    for _ in range(5):
        response = login(client, "camille", "wrong password")
        assert "_auth_user_id" not in client.session
    response = login(client, "camille", PASSWORD)
    assert response.status_code == 429  # django-axes lockout
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client):
    UserFactory(username="camille")
    for _ in range(4):
        login(client, "camille", "wrong password")
    assert login(client, "camille", PASSWORD).status_code == 302


def test_my_organisations_lists_memberships(client):
    membership = MembershipFactory(organisation__name="Numérica", role=Role.EDITOR)
    MembershipFactory(organisation__name="Autre", role=Role.MEMBER)
    client.force_login(membership.user)
    body = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "Numérica" in body and "Éditeur" in body and "Autre" not in body


def test_my_organisations_shows_administered_regions(client):
    from filiere.organisations.tests.factories import RegionFactory

    role = RegionalRoleFactory(region=RegionFactory(code="76", name="Occitanie"))
    client.force_login(role.user)
    body = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "Occitanie" in body and "?region=76" in body


def test_my_organisations_requires_login(client):
    response = client.get(reverse("accounts:my_organisations"))
    assert response.status_code == 302


def test_admin_pages_load(admin_client):
    MembershipFactory()
    for name in (
        "accounts_user",
        "accounts_membership",
        "accounts_regionalrole",
        "accounts_invitation",
        "accounts_joinrequest",
        "organisations_organisation",
        "organisations_establishment",
        "organisations_college",
        "organisations_relation",
    ):
        response = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "1"})
        assert response.status_code == 200, name
