"""COG importer on the real files in FILIERE_DATA_DIR."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from filiere.territories.importers import load_territories
from filiere.territories.models import EPCI, Commune, CommuneKind, Department, FormerRegion, Region


def test_counts_match_the_cog(reference_territories):
    assert Region.objects.count() == 26
    assert Department.objects.count() == 109
    assert EPCI.objects.count() == 1255
    assert Commune.objects.count() == 37590
    assert FormerRegion.objects.count() == 22
    assert Commune.objects.filter(kind=CommuneKind.CURRENT).count() == 34969


def test_languedoc_roussillon_became_occitanie(reference_territories):
    former = FormerRegion.objects.get(name="Languedoc-Roussillon")
    assert former.successor.name == "Occitanie"
    assert set(former.departments.values_list("code", flat=True)) == {"11", "30", "34", "48", "66"}
    assert Department.objects.get(code="34").region_id == "76"


def test_paris_arrondissements_belong_to_paris(reference_territories):
    arrondissements = Commune.objects.filter(kind=CommuneKind.ARRONDISSEMENT, department_id="75")
    assert arrondissements.count() == 20
    assert set(arrondissements.values_list("parent_id", flat=True)) == {"75056"}


def test_delegated_commune_sharing_its_code_gets_a_suffixed_key(reference_territories):
    current = Commune.objects.get(code="01015")
    delegated = Commune.objects.get(code="01015D")
    assert current.kind == CommuneKind.CURRENT
    assert delegated.insee_code == "01015"
    assert delegated.parent_id == "01015"
    assert current.epci is not None


def test_every_non_current_commune_has_a_parent(reference_territories):
    assert not Commune.objects.exclude(kind=CommuneKind.CURRENT).filter(parent=None).exists()


def test_outlines_are_stored(reference_territories):
    assert Region.objects.exclude(outline=None).count() == 18
    assert Department.objects.exclude(outline=None).count() == 101
    assert FormerRegion.objects.exclude(outline=None).count() == 22
    assert Region.objects.get(code="76").outline["type"] in {"Polygon", "MultiPolygon"}


def test_second_load_changes_nothing(reference_territories, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # reads only: one per table, plus the savepoint
        counts = load_territories()
    assert counts.created == counts.updated == 0
    assert counts.unchanged == 26 + 22 + 109 + 1255 + 37590


def test_a_changed_row_is_updated(reference_territories):
    Region.objects.filter(code="76").update(name="Occitanie (ancien nom)")
    counts = load_territories()
    assert counts.tables["regions"] == {"created": 0, "updated": 1, "unchanged": 25}
    assert Region.objects.get(code="76").name == "Occitanie"


def test_missing_data_dir_names_the_setting(db, settings, tmp_path):
    settings.FILIERE_DATA_DIR = tmp_path / "nowhere"
    with pytest.raises(CommandError, match=r"nowhere.*FILIERE_DATA_DIR"):
        load_territories()


def test_missing_file_names_the_path(db, settings, tmp_path: Path):
    shutil.copytree(Path(settings.FILIERE_DATA_DIR) / "geo", tmp_path / "geo")
    settings.FILIERE_DATA_DIR = tmp_path
    with pytest.raises(CommandError, match=r"cog/regions\.json.*FILIERE_DATA_DIR"):
        load_territories()


def test_data_dir_comes_from_settings(db):
    assert Path(settings.FILIERE_DATA_DIR).is_dir()
