"""Every organisation of the directory is found by its name, however its establishment was made."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as global_apps

from filiere.organisations.models import Establishment, Kind, Organisation, Source
from filiere.organisations.selectors import DirectoryFilters, search_directory

from .factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def found(name: str) -> set[int]:
    result = search_directory(DirectoryFilters(q=name), per_page=100)
    return {e.organisation_id for e in result.results}


def test_structures_created_by_the_talent_demo_are_found_by_their_name():
    # The talent demo creates its partner structures with a bare Establishment.objects.create().
    from filiere.talent.demo import _structure

    structures = [
        _structure("France Travail Strasbourg Meinau", Kind.PUBLIC_BODY, "67", "Agence France Travail."),
        _structure("Mission locale de Mulhouse", Kind.PUBLIC_BODY, "68", "Mission locale."),
        _structure("Rhénatic", Kind.CLUSTER, "67", "Cluster numérique alsacien."),
    ]
    for organisation in structures:
        assert organisation.pk in found(organisation.name), organisation.name
    assert organisation.pk in found("rhenatic")  # accents never matter


def test_every_organisation_with_a_page_is_found_by_its_name():
    EstablishmentFactory(organisation__name="Cité Numérique")
    EstablishmentFactory(
        organisation__name="Numérica", organisation__acronym="NMR", name="Numérica Montbéliard"
    )
    bare = OrganisationFactory(name="Tiers-lieu La Fabrique", kind=Kind.THIRD_PLACE, siren=None)
    Establishment.objects.create(organisation=bare, name=bare.name, kind=bare.kind, city="Dole")
    other = OrganisationFactory(name="BFC numérique", kind=Kind.CLUSTER, source=Source.SEED)
    Establishment.objects.create(organisation=other, city="Dijon", postcode="21000")
    pages = Organisation.objects.filter(is_diffusible=True, establishments__isnull=False).distinct()
    assert pages.count() == 4
    for organisation in pages:
        assert organisation.pk in found(organisation.name), organisation.name


def test_saving_an_establishment_keeps_a_given_search_text():
    establishment = EstablishmentFactory(organisation__name="Alpha", search_text="texte choisi")
    establishment.save(update_fields=["city"])
    establishment.refresh_from_db()
    assert establishment.search_text == "texte choisi"


def test_non_diffusible_units_are_not_indexed_by_name():
    unit = OrganisationFactory(name="Jean Secret", is_diffusible=False)
    Establishment.objects.create(organisation=unit, name="Jean Secret", city="Papeete")
    assert unit.pk not in found("secret")
    assert unit.pk in found("papeete")


def test_migration_indexes_establishments_created_without_search_text():
    organisation = OrganisationFactory(name="Rhénatic")
    establishment = Establishment.objects.create(organisation=organisation, city="Strasbourg")
    Establishment.objects.filter(pk=establishment.pk).update(search_text="")
    assert organisation.pk not in found("rhenatic")
    migration = import_module("filiere.organisations.migrations.0007_directory_rank")
    migration.index_unindexed(global_apps, None)
    assert organisation.pk in found("rhenatic")
