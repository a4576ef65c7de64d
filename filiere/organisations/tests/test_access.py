"""Who may edit an organisation, and what an edit records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from filiere.accounts.models import Role
from filiere.accounts.permissions import is_regional_admin
from filiere.organisations.models import Kind
from filiere.organisations.permissions import (
    is_cluster_staff,
    may_edit_organisation,
    organisations_editable_by,
)
from filiere.organisations.selectors import DirectoryFilters, search_directory
from filiere.organisations.services import update_organisation

from .factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionalRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EDIT = {
    "name": "Cité Numérique SAS",
    "description": "Éditeur de logiciels",
    "website": "https://cite.example",
    "tags": "cloud, IA",
}


@pytest.fixture
def org():
    return EstablishmentFactory(organisation__name="Cité Numérique").organisation


def test_anonymous_is_sent_to_login(client, org):
    response = client.post(reverse("organisations:edit", args=[org.pk]), EDIT)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    org.refresh_from_db()
    assert org.name == "Cité Numérique"


def test_plain_member_is_refused(client, org):
    member = MembershipFactory(organisation=org, role=Role.MEMBER).user
    client.force_login(member)
    assert client.get(reverse("organisations:edit", args=[org.pk])).status_code == 403
    assert client.post(reverse("organisations:edit", args=[org.pk]), EDIT).status_code == 403
    org.refresh_from_db()
    assert org.name == "Cité Numérique" and org.edited_fields == []


def test_editor_of_another_organisation_is_refused(client, org):
    client.force_login(MembershipFactory(role=Role.EDITOR).user)
    assert client.post(reverse("organisations:edit", args=[org.pk]), EDIT).status_code == 403


def test_editor_edits_and_fields_are_recorded(client, org):
    editor = MembershipFactory(organisation=org, role=Role.EDITOR).user
    client.force_login(editor)
    assert client.get(reverse("organisations:edit", args=[org.pk])).status_code == 200
    response = client.post(reverse("organisations:edit", args=[org.pk]), EDIT)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Cité Numérique SAS"
    assert org.tags == ["cloud", "IA"]
    assert org.edited_fields == ["description", "name", "tags", "website"]
    # The search index follows the new name and tags.
    assert search_directory(DirectoryFilters(q="cloud")).count == 1


def test_unknown_organisation_edit_is_404(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("organisations:edit", args=[424242])).status_code == 404


def test_service_records_only_changed_fields_and_refuses_without_rights(org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    changed = update_organisation(
        user=admin, organisation=org, data={"name": org.name, "description": "Nouveau"}
    )
    assert changed == ["description"]
    assert org.edited_fields == ["description"]
    update_organisation(user=admin, organisation=org, data={"website": "https://x.example"})
    assert org.edited_fields == ["description", "website"]
    with pytest.raises(PermissionDenied):
        update_organisation(user=UserFactory(), organisation=org, data={"name": "Pirate"})


def test_rights(org, territories):
    staff = UserFactory(is_staff=True)
    regional = RegionalRoleFactory(region=territories["27"]).user
    other_region = RegionalRoleFactory(region=territories["76"]).user
    assert may_edit_organisation(staff, org)
    assert may_edit_organisation(regional, org)
    assert not may_edit_organisation(other_region, org)
    assert is_regional_admin(regional, "27") and not is_regional_admin(regional, "76")
    assert list(organisations_editable_by(regional)) == [org]
    assert list(organisations_editable_by(other_region)) == []
    assert organisations_editable_by(staff).count() == 1


def test_cluster_staff():
    cluster = OrganisationFactory(kind=Kind.CLUSTER)
    staff = MembershipFactory(organisation=cluster, role=Role.EDITOR).user
    member = MembershipFactory(organisation=cluster, role=Role.MEMBER).user
    company_editor = MembershipFactory(role=Role.ADMIN).user
    assert is_cluster_staff(staff) and is_cluster_staff(staff, cluster)
    assert not is_cluster_staff(member)
    assert not is_cluster_staff(company_editor)


def test_edit_of_a_non_diffusible_unit_keeps_its_name_out_of_the_index():
    est = EstablishmentFactory(non_diffusible=True, organisation__name="Jean Dupont EI")
    staff = UserFactory(is_staff=True)
    update_organisation(user=staff, organisation=est.organisation, data={"name": "Jean Dupont Conseil"})
    assert search_directory(DirectoryFilters(q="dupont")).count == 0
    assert search_directory(DirectoryFilters(q="dijon")).count == 1
