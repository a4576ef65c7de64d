"""The reconversion evaluation set, its measures, and the ranking on the real ROME 4.0 data.

The real-data tests load ROME once for the module (métiers, compétences and their links,
mobilities: about 15 s) and remove it afterwards, as filiere/taxonomy/tests/test_rome_esco.py
does, so other modules still see empty taxonomy tables.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Model

from filiere.taxonomy import models as m
from filiere.taxonomy.importers import load_rome
from filiere.training.evaluation import (
    EVAL_SET,
    EvalSetError,
    EvalSource,
    load_eval_set,
    score_source,
    summarise,
)

ROME_TABLES: list[type[Model]] = [
    m.Skill,
    m.RomeMobility,
    m.RomeMetier.naf_sectors.through,
    m.RomeNafSector,
    m.RomeMetierCompetence,
    m.RomeAppellation,
    m.RomeCompetence,
    m.RomeMetier,
]


def test_the_set_has_30_sources_a_held_out_part_and_enough_accepted_targets():
    sources = load_eval_set()
    assert len(sources) >= 30
    held_out = [s for s in sources if s.split == "held_out"]
    assert len(held_out) >= 10
    assert all(len(s.accepted) >= 5 for s in sources)
    # The demo's six Occitanie sources (docs/training.md) are all in the set.
    assert {"H1206", "I1602", "H1203", "I1334", "H2901", "H1210"} <= {s.code for s in sources}
    kinds = {k for s in sources for kinds in s.accepted.values() for k in kinds}
    assert {"rome_mobility", "adviser", "seed:rail", "seed:health", "seed:fintech"} <= kinds


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("H1206,x,dev,H12,y,rome_mobility,", "line 2: bad source/target"),
        ("H1206,x,dev,H1206,y,rome_mobility,", "line 2: bad source/target"),
        ("H1206,x,train,H1102,y,rome_mobility,", "line 2: bad split"),
        ("H1206,x,dev,H1102,y,seed:space,", "line 2: bad split or accepted_by"),
    ],
)
def test_a_malformed_set_is_refused_naming_the_line(tmp_path: Path, row: str, message: str):
    path = tmp_path / "set.csv"
    path.write_text("source,source_label,split,target,target_label,accepted_by,note\n" + row + "\n")
    with pytest.raises(EvalSetError, match=message):
        load_eval_set(path)


def test_precision_counts_k_even_when_fewer_targets_are_shown():
    source = EvalSource("H1206", "R&D", "dev", {"H1102": ("rome_mobility",), "H1402": ("rome_mobility",)})
    result = score_source(source, ["K1416", "H1402", "H1102"], k=5)
    assert result.hits == [False, True, True]
    assert result.precision == pytest.approx(2 / 5)
    assert result.recall == pytest.approx(1.0)
    assert result.reciprocal_rank == pytest.approx(0.5)
    summary = summarise([result])
    assert summary["dev"]["precision"] == 0.4 and summary["held_out"]["sources"] == 0


# --- On the real ROME 4.0 data ---------------------------------------------------------------


@pytest.fixture(scope="module")
def rome(django_db_setup: None, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        load_rome()
        yield
        with connection.cursor() as cursor:  # raw deletes: the ORM collector is slow on 190,000 rows
            for model in ROME_TABLES:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")


def test_every_code_of_the_set_is_real_and_every_mobility_row_is_a_rome_mobility(rome, db):
    labels = dict(m.RomeMetier.objects.values_list("code", "label"))
    mobilities = set(m.RomeMobility.objects.values_list("source_id", "target_id"))
    with open(EVAL_SET, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert labels[row["source"]] == row["source_label"]
        assert labels[row["target"]] == row["target_label"]
        is_mobility = (row["source"], row["target"]) in mobilities
        assert is_mobility == ("rome_mobility" in row["accepted_by"].split("|")), row
        assert row["note"].strip(), row


def test_the_command_prints_precision_per_split(rome, db):
    out = io.StringIO()
    call_command("reconversion_eval", stdout=out)
    text = out.getvalue()
    assert "37 sources, k = 5" in text
    assert "P@5" in text
    lines = [line.split() for line in text.splitlines() if line.startswith("production")]
    assert [line[1] for line in lines] == ["dev", "held_out", "all"]
    assert all(0.0 <= float(line[3]) <= 1.0 for line in lines)
