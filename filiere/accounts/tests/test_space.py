"""The personal space: reachable from the header, one link per page each role uses, and every
link it shows opens for that person."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from filiere.accounts.models import Role
from filiere.organisations.models import Kind

from .factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def space_links(client) -> list[str]:
    body = client.get(reverse("accounts:space")).content.decode()
    main = body.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return re.findall(r'href="([^"]+)"', main)


def test_space_needs_login_and_is_in_the_header(client):
    assert client.get(reverse("accounts:space")).status_code == 302
    client.force_login(UserFactory())
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:space")}"' in body and "Mon espace" in body


def test_a_plain_member_sees_the_organisation_without_management_links(client):
    firm = OrganisationFactory(name="Atelier")
    client.force_login(MembershipFactory(organisation=firm, role=Role.MEMBER).user)
    links = space_links(client)
    assert reverse("organisations:detail", args=[firm.pk]) in links
    assert reverse("memberships:members", args=[firm.pk]) not in links
    assert reverse("showcase:edit", args=[firm.pk]) not in links
    assert reverse("showcase:validation") not in links
    assert reverse("memberships:region_admin") not in links
    assert reverse("accounts:password_change") in links and reverse("accounts:deactivate") in links


def test_an_editor_gets_showcase_offers_and_inbox(client):
    firm = OrganisationFactory(name="Atelier")
    client.force_login(MembershipFactory(organisation=firm, role=Role.EDITOR).user)
    links = space_links(client)
    for name, args in [
        ("showcase:edit", [firm.pk]),
        ("organisations:edit", [firm.pk]),
        ("showcase:inbox", []),
        ("talent:offer_create", []),
    ]:
        assert reverse(name, args=args) in links, name
    assert reverse("memberships:members", args=[firm.pk]) not in links


def test_cluster_staff_get_the_validation_queue(client):
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Digital 113")
    client.force_login(MembershipFactory(organisation=cluster, role=Role.ADMIN).user)
    links = space_links(client)
    assert reverse("showcase:validation") in links
    assert reverse("memberships:members", args=[cluster.pk]) in links


def test_regional_staff_get_the_region_page(client):
    client.force_login(RegionalRoleFactory(region=RegionFactory(code="27")).user)
    links = space_links(client)
    assert reverse("memberships:region_admin") in links
    assert reverse("roadmaps:plan_create") in links


def test_every_link_of_a_busy_space_opens(client):
    """An admin of a firm and of a cluster, also regional staff: every link in the space works."""
    region = RegionFactory(code="27")
    firm = EstablishmentFactory(organisation__name="Atelier", region_code="27").organisation
    cluster = OrganisationFactory(kind=Kind.CLUSTER, siren=None, name="Digital 113")
    user = UserFactory()
    MembershipFactory(user=user, organisation=firm, role=Role.ADMIN)
    MembershipFactory(user=user, organisation=cluster, role=Role.ADMIN)
    RegionalRoleFactory(user=user, region=region)
    client.force_login(user)
    links = [link for link in space_links(client) if link.startswith("/")]
    assert len(links) >= 15
    for link in links:
        status = client.get(link).status_code
        assert status in (200, 302), (link, status)


def shown_only_to_staff(user):
    from filiere.core.space import SpaceLink, SpaceSection

    if not user.is_staff:
        return None
    return SpaceSection(title="Section d'essai", links=[SpaceLink("Page d'essai", "/essai/", count=3)])


def test_an_app_adds_its_section_through_its_app_config(client, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("core")
    monkeypatch.setattr(config, "space_section", f"{__name__}.shown_only_to_staff", raising=False)
    client.force_login(UserFactory())
    assert "/essai/" not in space_links(client)
    client.force_login(UserFactory(is_staff=True))
    body = client.get(reverse("accounts:space")).content.decode()
    assert "/essai/" in space_links(client)
    assert "Section d&#x27;essai" in body and '<span class="badge">3</span>' in body
