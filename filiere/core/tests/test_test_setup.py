"""The suite's own set-up (root conftest): what a transactional test's flush leaves behind."""

from __future__ import annotations

import pytest
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


def test_recorded_durations_add_up_per_scheduling_scope(tmp_path) -> None:
    """tools/test_durations.py: seconds per file, and per package for the packages run together."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    spec = importlib.util.spec_from_file_location("test_durations_tool", root / "tools" / "test_durations.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    junit = tmp_path / "run.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="filiere.core.tests.test_a" name="one" time="1.5"/>'
        '<testcase classname="filiere.core.tests.test_a" name="two" time="2.0"/>'
        '<testcase classname="filiere.matching.tests.test_b" name="one" time="4.0"/>'
        '<testcase classname="filiere.matching.tests.test_c" name="one" time="1.0"/>'
        '<testcase classname="bench.test_bench_x" name="one" time="0.25"/>'
        "</testsuite></testsuites>"
    )
    assert tool.durations(junit) == {
        "bench/test_bench_x.py": 0.2,
        "filiere/core/tests/test_a.py": 3.5,
        "filiere/matching/tests/": 5.0,
    }


def test_the_end_of_test_check_still_catches_a_row_pointing_nowhere(db) -> None:
    """On SQLite the check reads only the tables written since the last one (root conftest,
    `_check_only_written_tables`): a row the test added with a key to nothing is still caught.
    (PostgreSQL checks the pending deferred keys, as Django does.)"""
    import pytest
    from django.db import IntegrityError, transaction

    from filiere.accounts.models import Membership
    from filiere.organisations.tests.factories import OrganisationFactory

    connection.check_constraints()  # what the fixtures wrote: fine
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError, match="accounts_membership"), transaction.atomic():
        Membership.objects.create(user_id=987654, organisation=organisation, role="member")
        connection.check_constraints()


def test_the_check_reads_the_tables_pointing_at_a_table_rows_left(db) -> None:
    """A row removed while another table still points at it: that other table was not written,
    the check finds it through the keys pointing at the table written."""
    import pytest
    from django.db import IntegrityError, transaction

    from filiere.organisations.tests.factories import MembershipFactory

    membership = MembershipFactory()
    connection.check_constraints()  # the membership and its user are fine, and forgotten
    with pytest.raises(IntegrityError, match="accounts_membership"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_user WHERE id = %s", [membership.user_id])  # no cascade
        connection.check_constraints()


def test_a_flush_keeps_the_sectors_a_migration_loaded_and_flushes_changed_ones(db) -> None:
    from filiere.showcase.models import Sector

    assert Sector.objects.exists()  # loaded by showcase's migration 0002
    assert "showcase_sector" not in _flushed_sql()
    Sector.objects.filter(code="rail").update(label="Rail (changé par un test)")
    assert "showcase_sector" in _flushed_sql()


def test_after_a_flush_the_sectors_are_written_again(transactional_db) -> None:
    from django.core.management import call_command

    from filiere.showcase.models import Sector
    from filiere.showcase.sectors import SECTORS

    Sector.objects.filter(code="rail").update(label="Rail (changé par un test)")
    call_command("flush", interactive=False, verbosity=0)
    assert Sector.objects.count() == len(SECTORS)
    assert Sector.objects.get(code="rail").label == "Ferroviaire"


@pytest.mark.parametrize(
    ("sql", "inserted", "removed", "unknown"),
    [
        ('INSERT INTO "a" ("x") VALUES (1)', {"a"}, set(), False),
        ("INSERT OR IGNORE INTO b VALUES (1)", {"b"}, set(), False),
        ('UPDATE "c" SET x = 1', {"c"}, {"c"}, False),
        ("UPDATE OR REPLACE d SET x = 1", {"d"}, {"d"}, False),
        ('DELETE FROM "e" WHERE 1', set(), {"e"}, False),
        ("SELECT 1", set(), set(), False),
        ("WITH x AS (SELECT 1) DELETE FROM f", set(), set(), True),
    ],
)
def test_the_check_knows_which_tables_a_statement_writes(sql, inserted, removed, unknown) -> None:
    import importlib

    # The root conftest, as pytest loaded it (imported by name: mypy checks filiere/ and bench/).
    writes = importlib.import_module("conftest")._Writes()
    writes.record(sql)
    assert (writes.inserted, writes.removed, writes.unknown) == (inserted, removed, unknown)
