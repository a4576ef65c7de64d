import pytest
from django.urls import reverse

from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory, RegionFactory


@pytest.mark.django_db
def test_home_counts_digital_establishments_and_organisations_per_region(client):
    RegionFactory(code="27", name="Bourgogne-Franche-Comté")
    RegionFactory(code="76", name="Occitanie")
    org = OrganisationFactory(name="Cité Numérique")
    EstablishmentFactory(organisation=org)
    EstablishmentFactory(organisation=org, siret="12345678900099", is_head_office=False)
    EstablishmentFactory(organisation__is_digital=False, organisation__naf_code="10.71C")
    EstablishmentFactory(closed=True)
    EstablishmentFactory(region_code="76", department_code="34")
    response = client.get(reverse("core:home"))
    regions = {r.code: r for r in response.context["regions"]}
    assert (regions["27"].digital_establishments, regions["27"].organisations) == (2, 2)
    assert (regions["76"].digital_establishments, regions["76"].organisations) == (1, 1)
    body = response.content.decode()
    assert "Occitanie" in body and "/annuaire/?region=76" in body
    assert f'action="{reverse("organisations:search")}"' in body
