"""Invitations: who may invite, the mail and its link, accepting as a newcomer or signed in,
resend and revoke, and every way a link can be bad."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from filiere.accounts import services
from filiere.accounts.models import Invitation, Membership, Role, User
from filiere.organisations import services as organisation_services

from .factories import (
    PASSWORD,
    EstablishmentFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RegionFactory,
    UserFactory,
    admin_of,
)

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    """The path of the first link of the site in a mail."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def firm():
    return OrganisationFactory(name="Atelier Numérique")


def test_admin_invites_and_the_mail_has_an_absolute_link(
    client, firm, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://filiere.example"
    client.force_login(admin_of(firm, first_name="Ada", last_name="Admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("memberships:members", args=[firm.pk]),
            {"email": " Bob@Example.org ", "role": Role.EDITOR},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "bob@example.org" and invitation.role == Role.EDITOR
    [mail] = mailoutbox
    assert mail.to == ["bob@example.org"]
    assert "Atelier Numérique" in mail.subject
    assert "Ada Admin" in mail.body and "éditeur" in mail.body.lower()
    assert f"https://filiere.example/comptes/invitation/{invitation.token}/" in mail.body


def test_inviting_the_same_address_twice_renews_the_invitation(
    firm, mailoutbox, django_capture_on_commit_callbacks
):
    admin = admin_of(firm)
    with django_capture_on_commit_callbacks(execute=True):
        first = organisation_services.invite(by=admin, organisation=firm, email="bob@example.org")
        second = organisation_services.invite(
            by=admin, organisation=firm, email="BOB@example.org", role=Role.ADMIN
        )
    assert first.pk == second.pk and second.role == Role.ADMIN and second.sent_count == 2
    assert len(mailoutbox) == 2


def test_an_existing_member_is_not_invited_again(firm):
    admin = admin_of(firm)
    MembershipFactory(organisation=firm, user=UserFactory(email="bob@example.org"), role=Role.EDITOR)
    with pytest.raises(ValidationError, match="déjà"):
        organisation_services.invite(by=admin, organisation=firm, email="bob@example.org", role=Role.MEMBER)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR])
def test_members_and_editors_may_not_invite(client, firm, role):
    user = MembershipFactory(organisation=firm, role=role).user
    client.force_login(user)
    assert client.get(reverse("memberships:members", args=[firm.pk])).status_code == 404
    response = client.post(
        reverse("memberships:members", args=[firm.pk]), {"email": "x@example.org", "role": "member"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        organisation_services.invite(by=user, organisation=firm, email="x@example.org")
    assert not Invitation.objects.exists()


def test_anonymous_is_sent_to_login(client, firm):
    response = client.get(reverse("memberships:members", args=[firm.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_platform_staff_may_invite(client, firm):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("memberships:members", args=[firm.pk])).status_code == 200


def test_regional_staff_may_invite_in_their_region_only(client):
    mine = EstablishmentFactory(region_code="27").organisation
    other = EstablishmentFactory(region_code="76").organisation
    RegionFactory(code="76", name="Occitanie")
    staff = RegionalRoleFactory(region=RegionFactory(code="27")).user
    client.force_login(staff)
    assert client.get(reverse("memberships:members", args=[mine.pk])).status_code == 200
    assert client.get(reverse("memberships:members", args=[other.pk])).status_code == 404


def test_unknown_organisation_is_404(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/comptes/organisations/999999999999999999999/membres/").status_code == 404


def test_invitation_form_rejects_nonsense(client, firm):
    client.force_login(admin_of(firm))
    response = client.post(
        reverse("memberships:members", args=[firm.pk]), {"email": "pas une adresse", "role": "king"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saisissez une adresse de courriel valide" in body
    assert not Invitation.objects.exists()


def test_newcomer_sets_name_and_password_and_joins(
    client, firm, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.invite(
            by=admin_of(firm), organisation=firm, email="Bob@example.org", role=Role.EDITOR
        )
    path = link_in(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200 and "Créez votre compte" in page.content.decode()
    response = client.post(
        path,
        {
            "first_name": "Bob",
            "last_name": "Martin",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert response.status_code == 302 and response.url == reverse("accounts:space")
    user = User.objects.get(username="bob@example.org")
    assert user.is_active and user.email_verified_at is not None and user.first_name == "Bob"
    assert Membership.objects.get(user=user, organisation=firm).role == Role.EDITOR
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    # The new account signs in with its address, whatever the case.
    client.logout()
    login = client.post(
        reverse("accounts:login"), {"username": "BOB@example.org", "password": "un-long-mot-de-passe"}
    )
    assert login.status_code == 302


def test_newcomer_with_mismatched_passwords_gets_a_message(client, firm):
    invitation = InvitationFactory(organisation=firm)
    response = client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {
            "first_name": "Bob",
            "last_name": "M",
            "password1": "un-long-mot-de-passe",
            "password2": "autre-chose-123",
        },
    )
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_user_is_asked_to_sign_in_then_accepts(client, firm):
    user = UserFactory(username="bob", email="bob@example.org")
    MembershipFactory(user=user, role=Role.MEMBER)  # elsewhere
    invitation = InvitationFactory(organisation=firm, email="bob@example.org", role=Role.ADMIN)
    path = reverse("accounts:invitation", args=[invitation.token])
    body = client.get(path).content.decode()
    assert "connectez-vous pour accepter" in body and "Créez votre compte" not in body
    # A newcomer form posted anyway creates nothing.
    client.post(
        path,
        {
            "first_name": "X",
            "last_name": "Y",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert User.objects.filter(email="bob@example.org").count() == 1
    client.force_login(user)
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=user, organisation=firm).role == Role.ADMIN


def test_signed_in_with_another_address_cannot_accept(client, firm):
    invitation = InvitationFactory(organisation=firm, email="bob@example.org")
    client.force_login(UserFactory(email="eve@example.org"))
    path = reverse("accounts:invitation", args=[invitation.token])
    assert "envoyée à bob@example.org" in client.get(path).content.decode()
    response = client.post(path, follow=True)
    assert "Déconnectez-vous" in response.content.decode()
    assert not Membership.objects.filter(organisation=firm).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_never_lowers_a_role(firm):
    user = UserFactory(email="bob@example.org")
    MembershipFactory(user=user, organisation=firm, role=Role.ADMIN)
    invitation = InvitationFactory(organisation=firm, email="bob@example.org", role=Role.MEMBER)
    services.accept_invitation(invitation=invitation, user=user)
    assert Membership.objects.get(user=user, organisation=firm).role == Role.ADMIN


@pytest.mark.parametrize(
    ("trait", "status", "message"),
    [("expired", 410, "a expiré"), ("revoked", 410, "a été annulée"), ("accepted", 410, "déjà été acceptée")],
)
def test_bad_links_say_why(client, firm, trait, status, message):
    invitation = InvitationFactory(organisation=firm, **{trait: True})
    path = reverse("accounts:invitation", args=[invitation.token])
    for response in (client.get(path), client.post(path, {"first_name": "A", "last_name": "B"})):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not Membership.objects.filter(organisation=firm).exists()


def test_unknown_token_is_404_with_a_message(client):
    response = client.get(reverse("accounts:invitation", args=["n-importe-quoi"]))
    assert response.status_code == 404
    assert "existe pas" in response.content.decode()


def test_a_link_works_once(client, firm):
    invitation = InvitationFactory(organisation=firm, email="bob@example.org")
    path = reverse("accounts:invitation", args=[invitation.token])
    data = {
        "first_name": "Bob",
        "last_name": "M",
        "password1": "un-long-mot-de-passe",
        "password2": "un-long-mot-de-passe",
    }
    assert client.post(path, data).status_code == 302
    client.logout()
    assert client.post(path, data).status_code == 410
    assert User.objects.filter(email="bob@example.org").count() == 1


def test_admin_resends_and_revokes(client, firm, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(admin_of(firm))
    invitation = InvitationFactory(organisation=firm, email="bob@example.org", expired=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("memberships:invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.sent_count == 2
    assert len(mailoutbox) == 1 and invitation.token in mailoutbox[0].body
    assert "bob@example.org" in client.get(reverse("memberships:members", args=[firm.pk])).content.decode()
    client.post(reverse("memberships:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(reverse("accounts:invitation", args=[invitation.token])).status_code == 410
    response = client.post(reverse("memberships:invitation_resend", args=[invitation.pk]), follow=True)
    assert "plus en attente" in response.content.decode()


def test_resend_and_revoke_are_post_only_and_for_admins(client, firm):
    invitation = InvitationFactory(organisation=firm)
    client.force_login(MembershipFactory(organisation=firm, role=Role.EDITOR).user)
    assert client.post(reverse("memberships:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("memberships:invitation_resend", args=[invitation.pk])).status_code == 404
    client.force_login(admin_of(firm))
    assert client.get(reverse("memberships:invitation_revoke", args=[invitation.pk])).status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invited_person_sees_the_invitation_in_their_space(client, firm):
    user = UserFactory(email="bob@example.org", password=PASSWORD)
    invitation = InvitationFactory(organisation=firm, email="bob@example.org")
    client.force_login(user)
    body = client.get(reverse("accounts:space")).content.decode()
    assert reverse("accounts:invitation", args=[invitation.token]) in body
