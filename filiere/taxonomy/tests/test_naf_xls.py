"""NAF rév. 2 read straight from INSEE's official XLS workbooks, and the c1385 constant."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from filiere.taxonomy import importers
from filiere.taxonomy.importers import (
    C1385_ICT_SUBSECTORS,
    load_naf,
    naf_digital_subsectors,
    naf_rows_from_xls,
    naf_source,
)
from filiere.taxonomy.models import NafCode

SHARED_NAF = Path(settings.FILIERE_DATA_DIR) / "naf"
FIELDS = ("code", "level", "label", "label_65", "label_40", "parent_id", "is_digital", "ict_subsector")


@pytest.fixture
def xls_only(settings, tmp_path: Path) -> Path:
    """A data directory holding only INSEE's two workbooks (no CSV conversion, no c1385 list)."""
    (tmp_path / "naf").mkdir()
    for name in ("naf2008_5_niveaux.xls", "int_courts_naf_rev_2.xls"):
        shutil.copy(SHARED_NAF / name, tmp_path / "naf" / name)
    settings.FILIERE_DATA_DIR = tmp_path
    return tmp_path


def test_xls_rows_are_the_csv_rows(xls_only):
    assert naf_source() == "xls"
    with open(SHARED_NAF / "naf_rev2_tous_niveaux.csv", newline="", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    rows = naf_rows_from_xls()
    assert len(rows) == 1728
    assert rows == expected


def test_loading_the_xls_over_the_csv_load_changes_nothing(reference_territories, xls_only):
    before = list(NafCode.objects.order_by("code").values_list(*FIELDS))

    counts = load_naf()

    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1728)
    assert list(NafCode.objects.order_by("code").values_list(*FIELDS)) == before


def test_fresh_load_from_the_xls(reference_territories, xls_only):
    NafCode.objects.update(parent=None)  # rolled back at the end of the test
    NafCode.objects.all().delete()

    counts = load_naf()

    assert (counts.created, counts.updated, counts.unchanged) == (1728, 0, 0)
    levels = dict(
        (level, NafCode.objects.filter(level=level).count())
        for level in ("section", "division", "groupe", "classe", "sous_classe")
    )
    assert levels == {"section": 21, "division": 88, "groupe": 272, "classe": 615, "sous_classe": 732}
    assert NafCode.objects.filter(is_digital=True).count() == 25
    code = NafCode.objects.get(code="98.10Z")  # division 98 is a number in the workbook
    assert (code.parent.parent.parent.code, code.parent.parent.parent.parent_id) == ("98", "T")
    assert NafCode.objects.get(code="08.93Z").label == "Production de sel"  # trailing space dropped


def test_c1385_constant_equals_the_shared_csv(db):
    with open(SHARED_NAF / "secteur_numerique_tic_insee_c1385.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["sous_classe"]: r["sous_secteur_tic"] for r in rows} == C1385_ICT_SUBSECTORS
    assert len(C1385_ICT_SUBSECTORS) == 25
    assert naf_digital_subsectors() == C1385_ICT_SUBSECTORS  # read from the CSV here


def test_the_constant_is_used_when_the_csv_is_absent(xls_only):
    assert not (xls_only / "naf" / "secteur_numerique_tic_insee_c1385.csv").exists()
    assert naf_digital_subsectors() == C1385_ICT_SUBSECTORS


def test_a_workbook_that_is_not_one_is_a_clear_error(db, xls_only):
    before = NafCode.objects.count()
    (xls_only / "naf" / "int_courts_naf_rev_2.xls").write_bytes(b"<html>Not found</html>")
    with pytest.raises(CommandError, match=r"Classeur XLS illisible.*int_courts_naf_rev_2\.xls"):
        load_naf()
    assert NafCode.objects.count() == before


def test_a_missing_workbook_is_a_clear_error(db, xls_only):
    (xls_only / "naf" / "naf2008_5_niveaux.xls").unlink()
    with pytest.raises(CommandError, match=r"introuvable.*naf2008_5_niveaux\.xls"):
        load_naf()


class FakeSheet:
    def __init__(self, rows: list[list[object]]) -> None:
        self.rows = rows
        self.nrows = len(rows)

    def row_values(self, index: int) -> list[object]:
        return self.rows[index]


def test_an_unexpected_code_names_the_file_and_the_line(db, xls_only, monkeypatch):
    sheets = {
        "naf/naf2008_5_niveaux.xls": FakeSheet([["NIV5", "NIV4", "NIV3", "NIV2", "NIV1"]]),
        "naf/int_courts_naf_rev_2.xls": FakeSheet(
            [
                ["ligne", "Code", "Intitulé", "65", "40"],
                [1.0, "SECTION A", "AGRICULTURE", "AGRICULTURE", "AGRICULTURE"],
                [2.0, "", "", "", ""],
                [3.0, "01.1X", "Bizarre", "Bizarre", "Bizarre"],
            ]
        ),
    }
    monkeypatch.setattr(importers, "_xls_sheet", sheets.__getitem__)
    with pytest.raises(
        CommandError, match=r"int_courts_naf_rev_2\.xls, ligne 4 : code NAF inattendu '01\.1X'"
    ):
        load_naf()
