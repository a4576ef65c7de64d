"""The suite's own set-up (root conftest): what a transactional test's flush leaves behind."""

from __future__ import annotations

from django.core.management.color import no_style
from django.core.management.commands import flush
from django.db import connection

from filiere.territories.models import Region


def _flushed_sql() -> str:
    return " ".join(flush.sql_flush(no_style(), connection))  # type: ignore[attr-defined]


def test_a_flush_keeps_the_intact_reference_and_flushes_a_changed_one(reference_territories):
    assert "territories_commune" not in _flushed_sql()
    assert "taxonomy_nafcode" not in _flushed_sql()
    assert "organisations_organisation" in _flushed_sql()  # everything else goes, as before

    Region.objects.create(code="ZZ", name="Région de test")  # a test left a row of its own

    assert "territories_commune" in _flushed_sql() and "taxonomy_nafcode" in _flushed_sql()
