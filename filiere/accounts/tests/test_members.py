"""Members management: roles, removal, the last admin, join requests, regional administration."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from filiere.accounts.models import JoinRequest, JoinStatus, Membership, Role
from filiere.organisations import services as organisation_services

from .factories import (
    EstablishmentFactory,
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RegionFactory,
    UserFactory,
    admin_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return OrganisationFactory(name="Atelier Numérique")


def test_admin_changes_a_role(client, firm):
    client.force_login(admin_of(firm))
    member = MembershipFactory(organisation=firm, role=Role.MEMBER)
    response = client.post(reverse("memberships:membership_role", args=[member.pk]), {"role": Role.EDITOR})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.EDITOR


def test_nonsense_role_is_refused_with_a_message(client, firm):
    client.force_login(admin_of(firm))
    member = MembershipFactory(organisation=firm, role=Role.MEMBER)
    response = client.post(
        reverse("memberships:membership_role", args=[member.pk]), {"role": "king"}, follow=True
    )
    assert "Choisissez un rôle dans la liste." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_last_admin_keeps_the_role_and_stays(client, firm):
    admin = admin_of(firm)
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(
        reverse("memberships:membership_role", args=[membership.pk]), {"role": Role.MEMBER}, follow=True
    )
    assert "dernier administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    client.post(reverse("memberships:membership_remove", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_with_two_admins_one_may_step_down(firm):
    first, second = admin_of(firm), admin_of(firm)
    membership = Membership.objects.get(user=second)
    organisation_services.change_role(by=first, membership=membership, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        organisation_services.remove_member(by=first, membership=Membership.objects.get(user=first))


def test_an_admin_who_steps_down_goes_back_to_their_space(client, firm):
    me, other = admin_of(firm), admin_of(firm)
    client.force_login(me)
    mine = Membership.objects.get(user=me)
    response = client.post(reverse("memberships:membership_role", args=[mine.pk]), {"role": Role.EDITOR})
    assert response.url == reverse("accounts:space")
    assert Membership.objects.get(user=other).role == Role.ADMIN


def test_admin_removes_a_member(client, firm):
    client.force_login(admin_of(firm))
    member = MembershipFactory(organisation=firm)
    assert client.post(reverse("memberships:membership_remove", args=[member.pk])).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_an_admin_of_another_organisation_cannot_touch_members(client, firm):
    member = MembershipFactory(organisation=firm)
    client.force_login(admin_of(OrganisationFactory()))
    assert client.post(reverse("memberships:membership_remove", args=[member.pk])).status_code == 404
    assert (
        client.post(reverse("memberships:membership_role", args=[member.pk]), {"role": "admin"}).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_members_page_lists_people_and_pending_invitations(client, firm):
    client.force_login(admin_of(firm, first_name="Ada", last_name="Admin"))
    MembershipFactory(organisation=firm, user=UserFactory(first_name="Bob", last_name="Martin"))
    body = client.get(reverse("memberships:members", args=[firm.pk])).content.decode()
    assert "Ada Admin" in body and "Bob Martin" in body and "dernier administrateur" in body


# --- Join requests -----------------------------------------------------------------------------


def test_person_asks_to_join_and_admins_get_a_mail(
    client, firm, mailoutbox, django_capture_on_commit_callbacks
):
    admin_of(firm, email="ada@example.org")
    MembershipFactory(organisation=firm, role=Role.EDITOR, user=UserFactory(email="ed@example.org"))
    person = UserFactory(first_name="Bob", last_name="Martin", email="bob@example.org")
    client.force_login(person)
    assert (
        "Demander à rejoindre" in client.get(reverse("organisations:detail", args=[firm.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("memberships:join", args=[firm.pk]), {"message": "Je suis développeur ici."}
        )
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert request.user == person and request.status == JoinStatus.PENDING
    [mail] = mailoutbox
    assert mail.to == ["ada@example.org"]
    assert "Bob Martin" in mail.subject and "Je suis développeur ici." in mail.body
    assert reverse("memberships:members", args=[firm.pk]) in mail.body
    assert "Atelier Numérique" in client.get(reverse("accounts:space")).content.decode()


def test_without_admins_regional_staff_get_the_request(firm, mailoutbox, django_capture_on_commit_callbacks):
    EstablishmentFactory(organisation=firm, region_code="27")
    RegionalRoleFactory(region=RegionFactory(code="27"), user=UserFactory(email="region@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.request_to_join(user=UserFactory(), organisation=firm)
    assert [m.to for m in mailoutbox] == [["region@example.org"]]


def test_non_diffusible_organisations_are_joined_by_invitation_only(client):
    hidden = OrganisationFactory(non_diffusible=True, name="Jean Dupont EI")
    client.force_login(UserFactory())
    assert client.get(reverse("memberships:join", args=[hidden.pk])).status_code == 404
    body = client.get(reverse("organisations:detail", args=[hidden.pk])).content.decode()
    assert reverse("memberships:join", args=[hidden.pk]) not in body and "Jean Dupont" not in body


def test_asking_twice_or_as_a_member_is_refused(client, firm):
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("memberships:join", args=[firm.pk]), {"message": ""})
    response = client.post(reverse("memberships:join", args=[firm.pk]), {"message": ""})
    assert "déjà en attente" in response.content.decode()
    member = MembershipFactory(organisation=firm).user
    with pytest.raises(ValidationError, match="déjà membre"):
        organisation_services.request_to_join(user=member, organisation=firm)
    assert JoinRequest.objects.count() == 1


def test_join_page_needs_login_and_a_real_organisation(client):
    assert client.get(reverse("memberships:join", args=[1])).status_code == 302
    client.force_login(UserFactory())
    assert client.get("/comptes/organisations/999999999999999999999/rejoindre/").status_code == 404


def test_admin_approves_with_a_role_and_the_person_is_told(
    client, firm, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_of(firm))
    request = JoinRequestFactory(organisation=firm, user=UserFactory(email="bob@example.org"))
    assert "Je travaille ici." in client.get(reverse("memberships:members", args=[firm.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("memberships:join_request_decide", args=[request.pk]),
            {"decision": "approve", "role": Role.EDITOR},
        )
    request.refresh_from_db()
    assert request.status == JoinStatus.APPROVED and request.role == Role.EDITOR
    assert Membership.objects.get(user=request.user, organisation=firm).role == Role.EDITOR
    [mail] = mailoutbox
    assert mail.to == ["bob@example.org"] and "Vous avez rejoint Atelier Numérique" in mail.subject


def test_admin_refuses_and_the_person_is_told(client, firm, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(admin_of(firm))
    request = JoinRequestFactory(organisation=firm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("memberships:join_request_decide", args=[request.pk]), {"decision": "refuse"})
    request.refresh_from_db()
    assert request.status == JoinStatus.REFUSED
    assert not Membership.objects.filter(user=request.user, organisation=firm).exists()
    assert "pas donné suite" in mailoutbox[0].body


def test_a_decided_request_cannot_be_decided_again(client, firm):
    client.force_login(admin_of(firm))
    request = JoinRequestFactory(organisation=firm, status=JoinStatus.REFUSED)
    response = client.post(
        reverse("memberships:join_request_decide", args=[request.pk]),
        {"decision": "approve", "role": "admin"},
        follow=True,
    )
    assert "déjà reçu une réponse" in response.content.decode()
    assert not Membership.objects.filter(user=request.user, organisation=firm).exists()


def test_nonsense_decision_gets_a_message(client, firm):
    client.force_login(admin_of(firm))
    request = JoinRequestFactory(organisation=firm)
    response = client.post(
        reverse("memberships:join_request_decide", args=[request.pk]), {"decision": "maybe"}, follow=True
    )
    assert "Choisissez d&#x27;accepter ou de refuser" in response.content.decode()


def test_only_admins_decide(client, firm):
    request = JoinRequestFactory(organisation=firm)
    client.force_login(MembershipFactory(organisation=firm, role=Role.EDITOR).user)
    response = client.post(
        reverse("memberships:join_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    client.force_login(request.user)
    assert (
        client.post(
            reverse("memberships:join_request_decide", args=[request.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    request.refresh_from_db()
    assert request.status == JoinStatus.PENDING


# --- Regional administration -----------------------------------------------------------------


def test_regional_staff_see_their_organisations_and_admins(client):
    RegionFactory(code="76", name="Occitanie")
    mine = EstablishmentFactory(organisation__name="Dijon Data", region_code="27").organisation
    EstablishmentFactory(organisation__name="Toulouse Tech", region_code="76")
    admin_of(mine, first_name="Ada", last_name="Admin")
    client.force_login(RegionalRoleFactory(region=RegionFactory(code="27")).user)
    body = client.get(reverse("memberships:region_admin")).content.decode()
    assert "Dijon Data" in body and "Ada Admin" in body and "Toulouse Tech" not in body
    assert reverse("memberships:members", args=[mine.pk]) in body
    assert (
        "Dijon Data"
        not in client.get(reverse("memberships:region_admin"), {"q": "toulouse"}).content.decode()
    )
    assert client.get(reverse("memberships:region_admin"), {"page": "abc"}).status_code == 200


def test_region_page_is_for_regional_and_platform_staff(client):
    client.force_login(admin_of(OrganisationFactory()))
    assert client.get(reverse("memberships:region_admin")).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("memberships:region_admin")).status_code == 200
