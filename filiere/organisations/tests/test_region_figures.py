"""One region's figures (roadmap indicators) and the home page's per-region figures agree."""

import pytest

from filiere.organisations import selectors

from .factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_region_figures_match_the_home_page_counts():
    two_sites = OrganisationFactory()
    EstablishmentFactory(organisation=two_sites)
    EstablishmentFactory(organisation=two_sites)  # counted once as an organisation
    EstablishmentFactory(organisation=OrganisationFactory(is_digital=False, naf_code="47.11A"))
    EstablishmentFactory(organisation=OrganisationFactory(closed=True))
    EstablishmentFactory(organisation=OrganisationFactory(), region_code="44", department_code="67")

    figures = selectors.region_figures("27")
    home = {row.code: row for row in selectors.region_counts()}["27"]

    assert (figures.digital_establishments, figures.organisations) == (2, 2)
    assert (figures.digital_establishments, figures.organisations) == (
        home.digital_establishments,
        home.organisations,
    )
