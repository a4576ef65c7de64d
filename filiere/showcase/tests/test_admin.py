"""The back-office pages load, and the bulk validation action refreshes profiles."""

from __future__ import annotations

import pytest

from filiere.showcase.models import ShowcaseProfile

from .factories import ContactRequestFactory, DeclarationFactory, UserFactory, make_firm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "sector",
        "showcaseprofile",
        "competencedeclaration",
        "contactrequest",
        "reference",
        "certification",
        "savedsearch",
    ],
)
def test_admin_changelists_load(client, model, skills):
    firm = make_firm("Admin Data", skills=[skills["ml"]])
    ContactRequestFactory(organisation=firm)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/showcase/{model}/").status_code == 200


def test_bulk_validation_action(client, skills):
    declaration = DeclarationFactory(skill=skills["ml"])
    ShowcaseProfile.objects.create(organisation=declaration.organisation)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(
        "/admin/showcase/competencedeclaration/",
        {"action": "validate", "_selected_action": [declaration.pk]},
    )
    declaration.refresh_from_db()
    assert declaration.status == "validated"
    assert ShowcaseProfile.objects.get(pk=declaration.organisation_id).validated_count == 1
