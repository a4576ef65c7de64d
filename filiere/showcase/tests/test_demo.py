"""The TESC Force demo: a hundred Occitanie firms, idempotent, searchable, never on real firms."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from filiere.organisations.models import Organisation
from filiere.showcase import selectors
from filiere.showcase.demo import load_showcase_demo
from filiere.showcase.models import CompetenceDeclaration, ShowcaseProfile

from .factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_demo_creates_a_hundred_searchable_occitanie_firms_idempotently(skills, capsys):
    real = OrganisationFactory(name="Vraie ESN", source="sirene")
    EstablishmentFactory(organisation=real, region_code="76", department_code="31")
    generated = OrganisationFactory(name="ESN générée", generated=True)
    EstablishmentFactory(organisation=generated, region_code="76", department_code="31")

    first = load_showcase_demo()
    assert first.firms == 100 and first.created_firms == 99
    assert ShowcaseProfile.objects.filter(is_published=True, region_code="76").count() == 100
    assert not ShowcaseProfile.objects.filter(organisation=real).exists()
    assert ShowcaseProfile.objects.filter(organisation=generated).exists()
    assert not Organisation.objects.filter(showcase_profile__isnull=False, is_generated=False).exists()
    assert first.capacity_now > 0
    assert "apprentissage automatique" in first.skills_found  # the hand-built taxonomy's ESCO skill
    declarations = CompetenceDeclaration.objects.count()

    # The seed's query finds firms that target rail, explained by the skill.
    result = selectors.search_showcase(
        selectors.ShowcaseFilters.from_params({"q": "apprentissage automatique pour le ferroviaire"})
    )
    assert result.count >= 10
    assert all("Ferroviaire" in row.sectors for row in result.rows[:5])
    assert "apprentissage automatique" in result.rows[0].explanation

    # A rerun (through the command) creates nothing new.
    call_command("showcase_demo", "--no-vectors")
    assert "100 firms (0 created)" in capsys.readouterr().out
    assert CompetenceDeclaration.objects.count() == declarations
    assert Organisation.objects.filter(is_generated=True).count() == 100
