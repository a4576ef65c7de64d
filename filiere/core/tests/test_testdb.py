"""The test databases' snapshot (`filiere/core/testdb.py`): it loads into an empty database and
reads back as itself, it covers what the migrations build, and its key follows the migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from filiere.core import testdb


def test_the_sqlite_snapshot_loads_into_an_empty_database_and_reads_back_identical() -> None:
    key, body = testdb.read_snapshot("sqlite") or ("", "")
    assert key == testdb.snapshot_key("sqlite"), "the committed snapshot is out of date: run make test"
    database = sqlite3.connect(":memory:")
    database.executescript(f"BEGIN;\n{body}COMMIT;")
    assert testdb.dump_sqlite(database.cursor()) == body


def test_the_snapshot_holds_what_the_migrations_build() -> None:
    _, body = testdb.read_snapshot("sqlite") or ("", "")
    database = sqlite3.connect(":memory:")
    database.executescript(f"BEGIN;\n{body}COMMIT;")
    names = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    # Tables of models, the full-text table and the triggers migrations add in SQL.
    assert {"accounts_user", "organisations_establishment", "django_migrations"} <= names
    assert "organisations_establishment_fts" in names
    assert "organisations_establishment_fts_ai" in names  # the trigger feeding it
    migrations = {(app, name) for app, name in database.execute("SELECT app, name FROM django_migrations")}
    on_disk = {(path.parts[-3], path.stem) for path in testdb.migration_files()}
    # Every migration of our apps is recorded as applied (third-party apps' labels differ from
    # their folder names, so only ours are compared).
    apps_folder = Path(testdb.__file__).resolve().parents[1]
    ours = {(app, name) for app, name in on_disk if (apps_folder / app).is_dir()}
    assert ours and ours <= migrations
    assert database.execute("SELECT COUNT(*) FROM showcase_sector").fetchone()[0] > 0


def test_the_key_changes_with_any_migration_file_and_with_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = tmp_path / "app" / "migrations" / "0001_initial.py"
    migration.parent.mkdir(parents=True)
    migration.write_text("operations = []\n")
    monkeypatch.setattr(testdb, "migration_files", lambda: [migration])
    before = testdb.snapshot_key("sqlite")
    assert testdb.snapshot_key("postgresql") != before
    migration.write_text("operations = [1]\n")
    assert testdb.snapshot_key("sqlite") != before


def test_a_stale_snapshot_is_reported_by_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert testdb.main(["--check"]) == 0
    monkeypatch.setattr(testdb, "snapshot_key", lambda vendor: "another key")
    assert testdb.main(["--check"]) == 1
    assert "sqlite.sql: out of date" in capsys.readouterr().out
