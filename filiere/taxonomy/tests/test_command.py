"""`filiere reference load|status` (download: test_download.py)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from filiere.core.models import ImportRun


def run(*args: str) -> str:
    out = StringIO()
    call_command("reference", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_prints_a_table_and_records_the_load(reference_territories):
    output = run("load", "--only", "naf")
    assert "jeu de données" in output and "inchangés" in output
    assert "naf.naf" in output and "1728" in output
    load = ImportRun.objects.get(kind="reference:naf")
    assert load.status == ImportRun.Status.DONE and load.finished_at is not None
    assert (load.counts["created"], load.counts["updated"], load.counts["unchanged"]) == (0, 0, 1728)
    assert load.options["tables"]["naf"]["unchanged"] == 1728


def test_unknown_dataset_is_refused(db):
    with pytest.raises(CommandError, match="inconnu"):
        run("load", "--only", "naf,nope")


def test_missing_data_dir_is_a_clear_error(db, settings, tmp_path):
    settings.FILIERE_DATA_DIR = tmp_path / "absent"
    with pytest.raises(CommandError, match=r"absent.*FILIERE_DATA_DIR"):
        run("load", "--only", "naf")


def test_status_json(reference_territories, settings):
    run("load", "--only", "naf")
    data = json.loads(run("status", "--json"))
    assert data["data_dir"] == str(settings.FILIERE_DATA_DIR)
    assert set(data["datasets"]) == {"territories", "naf", "rome", "esco"}
    naf = data["datasets"]["naf"]
    assert naf["rows"] == {"nafcode": 1728}
    assert naf["loaded_at"]
    assert naf["last_counts"] == {"created": 0, "updated": 0, "unchanged": 1728}
    territories = data["datasets"]["territories"]
    assert territories["rows"]["region"] == 26
    assert territories["rows"]["commune"] == 37590


def test_status_text(db):
    assert "FILIERE_DATA_DIR" in run("status")


def test_status_says_which_files_the_loaders_read(db):
    data = json.loads(run("status", "--json"))
    assert data["datasets"]["rome"]["source"] == "v460"
    assert data["datasets"]["naf"]["source"] == "csv"
    text = run("status")
    assert "[v460]" in text and "[csv]" in text
