"""ROME 4.0 and ESCO loaders on the real files: loaded twice for this module (about 12 s of CPU)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection

from filiere.core.imports import ImportReport
from filiere.core.loading import csv_rows_kept
from filiere.taxonomy import models as m
from filiere.taxonomy.importers import load_esco, load_rome

TABLES = [
    m.Skill,
    m.EscoOccupationSkill,
    m.EscoOccupation,
    m.EscoSkill,
    m.RomeMobility,
    m.RomeMetier.naf_sectors.through,
    m.RomeNafSector,
    m.RomeMetierCompetence,
    m.RomeAppellation,
    m.RomeCompetence,
    m.RomeMetier,
]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Load ROME and ESCO once; remove them afterwards so other modules see empty tables."""
    with django_db_blocker.unblock():
        with csv_rows_kept():  # the second load gets the rows the first parsed
            started = time.monotonic()
            first = {"rome": load_rome(), "esco": load_esco()}
            first_seconds = time.monotonic() - started
            started = time.monotonic()
            second = {"rome": load_rome(), "esco": load_esco()}
            second_seconds = time.monotonic() - started
        yield {"first": first, "second": second, "seconds": (first_seconds, second_seconds)}
        with connection.cursor() as cursor:  # raw deletes: the ORM collector is slow on 350,000 rows
            for model in TABLES:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")


def test_rome_counts(loaded, db):
    counts: ImportReport = loaded["first"]["rome"]
    assert counts.tables["metiers"]["created"] == m.RomeMetier.objects.count() == 1584
    assert m.RomeAppellation.objects.count() == 13120
    assert m.RomeCompetence.objects.filter(kind=m.RomeItemKind.COMPETENCE).count() == 18317
    assert m.RomeCompetence.objects.filter(kind=m.RomeItemKind.SAVOIR).count() == 15354
    assert m.RomeMobility.objects.count() == 14912
    assert m.RomeNafSector.objects.count() == 89
    # 104,219 links minus 13,663 to work contexts, which are not skills.
    assert m.RomeMetierCompetence.objects.count() == 90556


def test_rome_links(loaded, db):
    dev = m.RomeMetier.objects.get(code="M1805")
    assert "informatique" in dev.label.lower()
    assert dev.appellations.count() > 10
    assert dev.competence_links.filter(is_core=True).exists()
    assert dev.naf_sectors.filter(naf_division_id="62").exists()
    assert dev.mobilities.order_by("order").exists()


def test_esco_counts(loaded, db):
    assert m.EscoSkill.objects.count() == 13939
    assert m.EscoSkill.objects.exclude(label_fr="").count() == 13191
    assert m.EscoOccupation.objects.count() == 3039
    assert m.EscoOccupation.objects.exclude(label_fr="").count() == 2937
    # 128,952 uniquely matched rows, less 17 duplicates or dangling URIs.
    assert m.EscoOccupationSkill.objects.count() == 128935
    assert m.EscoOccupationSkill.objects.filter(relation="essential").exists()
    assert m.EscoSkill.objects.filter(is_digital=True).count() > 1000
    assert m.EscoSkill.objects.filter(is_transversal=True).exists()


def test_skill_concepts_cover_esco_and_rome(loaded, db):
    assert m.Skill.objects.filter(kind=m.SkillKind.ESCO, esco_skill__isnull=False).count() == 13939
    assert m.Skill.objects.filter(kind=m.SkillKind.ROME, rome_competence__isnull=False).count() == 33671


def test_second_load_writes_nothing(loaded, db):
    for dataset, counts in loaded["second"].items():
        assert (counts.created, counts.updated) == (0, 0), dataset
        assert counts.unchanged == loaded["first"][dataset].created
