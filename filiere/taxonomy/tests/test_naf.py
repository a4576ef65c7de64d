"""NAF rév. 2 loader on the real INSEE files, and on a modified copy."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from django.conf import settings

from filiere.taxonomy import selectors
from filiere.taxonomy.importers import load_naf
from filiere.taxonomy.models import NafCode, NafLevel


def test_counts_and_digital_flag(reference_territories):
    assert NafCode.objects.count() == 1728
    assert NafCode.objects.filter(level=NafLevel.SOUS_CLASSE).count() == 732
    digital = NafCode.objects.filter(is_digital=True)
    assert digital.count() == 25
    assert not digital.exclude(level=NafLevel.SOUS_CLASSE).exists()
    assert NafCode.objects.get(code="62.01Z").ict_subsector.startswith("programmation")


def test_hierarchy(reference_territories):
    code = NafCode.objects.get(code="62.01Z")
    chain = []
    while code:
        chain.append((code.code, code.level))
        code = code.parent
    assert chain == [
        ("62.01Z", "sous_classe"),
        ("62.01", "classe"),
        ("62.0", "groupe"),
        ("62", "division"),
        ("J", "section"),
    ]


def test_second_load_reports_unchanged(reference_territories):
    counts = load_naf()
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1728)


def test_a_modified_source_row_is_reported_updated(reference_territories, settings, tmp_path: Path):
    source = Path(settings.FILIERE_DATA_DIR) / "naf"
    shutil.copytree(source, tmp_path / "naf")
    path = tmp_path / "naf" / "naf_rev2_tous_niveaux.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["code"] == "62.01Z":
            row["libelle"] = "Programmation informatique (modifié)"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    settings.FILIERE_DATA_DIR = tmp_path

    counts = load_naf()

    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1727)
    assert NafCode.objects.get(code="62.01Z").label == "Programmation informatique (modifié)"


def test_data_dir_is_the_shared_one(db):
    assert (Path(settings.FILIERE_DATA_DIR) / "naf").is_dir()


def test_digital_codes_selector(reference_territories):
    codes = selectors.digital_naf_codes()
    assert len(codes) == 25 and "62.01Z" in codes and "47.41Z" not in codes


def test_sous_classes_under_a_division(reference_territories):
    assert selectors.naf_sous_classes_under("62") == {"62.01Z", "62.02A", "62.02B", "62.03Z", "62.09Z"}
    assert selectors.naf_sous_classes_under("62.01Z") == {"62.01Z"}
    assert len(selectors.naf_sous_classes_under("J")) > 25
