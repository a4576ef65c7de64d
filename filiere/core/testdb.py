"""Test databases built from a snapshot of the migrated schema instead of replaying the migrations.

Replaying the 91 migrations costs about 24 s of CPU per test database (Django renders its model
states again and again), once per pytest worker and per database engine. The snapshot is the
migrated empty database itself, written as SQL (`filiere/core/db_snapshots/<vendor>.sql`): tables,
indexes, triggers, the full-text tables, and the rows migrations and `post_migrate` leave (the
migration records, content types, permissions, showcase sectors). Its first line is the key: a
hash of every migration file of every installed app, Django's version and the engine.

- When the key matches, `create_test_db` creates the empty test database and runs the snapshot
  in it (well under a second) instead of `migrate`.
- When it does not (a migration was added or changed, Django was upgraded), the test database is
  migrated as usual and the snapshot is written again from it: commit the new file.
  `make lint` fails while the committed snapshot does not match the migrations
  (`python -m filiere.core.testdb --check`), so CI never falls back to the slow path silently.

The snapshot is what the migrations built, read back from the database they built: nothing in it
is written by hand. `core/tests/test_testdb.py` checks a snapshot-built database against a
migrated one, object by object.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings

SNAPSHOT_DIR = Path(__file__).resolve().parent / "db_snapshots"
KEY_PREFIX = "-- filiere test database snapshot, key "


def migration_files() -> list[Path]:
    """Every migration module of every installed app, in a stable order."""
    files: list[Path] = []
    for config in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for folder in getattr(package, "__path__", []):
            files += sorted(p for p in Path(folder).glob("*.py") if p.name != "__init__.py")
    return files


def snapshot_key(vendor: str) -> str:
    digest = hashlib.sha256(f"{vendor} django {django.get_version()}\n".encode())
    for path in migration_files():
        app_relative = "/".join(path.parts[-3:])  # app/migrations/0001_x.py: same on every checkout
        digest.update(app_relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def snapshot_path(vendor: str) -> Path:
    return SNAPSHOT_DIR / f"{vendor}.sql"


def read_snapshot(vendor: str) -> tuple[str, str] | None:
    """(key, SQL) of the committed snapshot for this engine, or None when there is none."""
    path = snapshot_path(vendor)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    if not first.startswith(KEY_PREFIX):
        return None
    return first.removeprefix(KEY_PREFIX).strip(), body


# --- dumping --------------------------------------------------------------------------------


def _sqlite_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def dump_sqlite(cursor: Any) -> str:
    """The schema objects in creation-safe order (tables, then indexes, views, triggers), then
    the rows of every ordinary table. Shadow tables of the full-text tables are left out: their
    virtual table creates them. `cursor`: a DB-API cursor on the database."""
    cursor.execute("PRAGMA table_list")
    shadow = {row[1] for row in cursor.fetchall() if row[2] == "shadow"}
    cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
    # sqlite_* tables are SQLite's own (sequences are copied as rows below, statistics not).
    objects = [row for row in cursor.fetchall() if row[1] not in shadow and not row[1].startswith("sqlite_")]
    lines = []
    for kind in ("table", "index", "view", "trigger"):
        lines += [f"{sql};" for type_, name, sql in objects if type_ == kind]
    tables = [
        name
        for type_, name, sql in objects
        if type_ == "table" and not sql.upper().startswith("CREATE VIRTUAL")
    ]
    for table in [*tables, "sqlite_sequence"]:
        if table == "sqlite_sequence":  # the rows above started their own sequences: set them
            lines.append('DELETE FROM "sqlite_sequence";')
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 (names from sqlite_master)
        for row in cursor.fetchall():
            values = ", ".join(_sqlite_literal(value) for value in row)
            lines.append(f'INSERT INTO "{table}" VALUES ({values});')
    return "\n".join(lines) + "\n"


def _dump_postgresql(connection: Any) -> str:
    """pg_dump of the test database: schema and rows as INSERTs, without owners or grants."""
    import subprocess

    params = connection.get_connection_params()
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = params["password"]
    command = ["pg_dump", "--no-owner", "--no-privileges", "--inserts", "--dbname", params["dbname"]]
    for flag, name in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(name):
            command += [flag, str(params[name])]
    dumped = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    # pg_dump empties the search_path for its own session; the loading session keeps its own.
    lines = [
        line
        for line in dumped.splitlines()
        if not line.startswith("SELECT pg_catalog.set_config('search_path'") and not line.startswith("\\")
    ]
    return "\n".join(lines) + "\n"


def dump(connection: Any) -> str:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            return dump_sqlite(cursor)
    if connection.vendor == "postgresql":
        return _dump_postgresql(connection)
    raise ValueError(f"no snapshot for {connection.vendor}")


def write_snapshot(connection: Any) -> Path | None:
    """Write the snapshot of this (just migrated) database; None when the engine has none or
    pg_dump is missing."""
    try:
        body = dump(connection)
    except (ValueError, FileNotFoundError):
        return None
    path = snapshot_path(connection.vendor)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"{KEY_PREFIX}{snapshot_key(connection.vendor)}\n{body}"
    # Two workers may write at once: each writes its own file and renames it over the old one.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return path


# --- loading --------------------------------------------------------------------------------


def load(connection: Any, sql: str) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        try:
            connection.connection.executescript(f"BEGIN;\n{sql}COMMIT;")
        except Exception:
            if connection.connection.in_transaction:
                connection.connection.execute("ROLLBACK")
            raise
        return
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()  # a fresh session: the dump's SET statements end with this one


def create_test_db(
    creation: Any,
    original: Any,
    verbosity: int = 1,
    autoclobber: bool = False,
    serialize: bool = True,
    keepdb: bool = False,
) -> str:
    """`BaseDatabaseCreation.create_test_db`, with the snapshot instead of `migrate` when it matches."""
    from django.core.management import call_command

    connection = creation.connection
    vendor = connection.vendor
    migrate = connection.settings_dict["TEST"].get("MIGRATE", True) is not False
    snapshot = read_snapshot(vendor) if migrate and not keepdb else None
    if snapshot is None or snapshot[0] != snapshot_key(vendor):
        name = original(
            creation, verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb
        )
        if migrate and not keepdb and vendor in ("sqlite", "postgresql"):
            written = write_snapshot(connection)
            if written is not None:
                print(
                    f"\nThe test database snapshot was out of date: wrote {written}; commit it.",
                    file=sys.stderr,
                )
        return name
    name = creation._get_test_db_name()
    if verbosity >= 1:
        creation.log(
            f"Creating test database for alias {creation._get_database_display_str(verbosity, name)} from the snapshot..."
        )
    creation._create_test_db(verbosity, autoclobber, keepdb)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    try:
        load(connection, snapshot[1])
    except Exception as error:  # another server version refusing the dump: migrate as usual
        print(f"\nThe test database snapshot did not load ({error}); migrating instead.", file=sys.stderr)
        connection.close()
        return original(creation, verbosity=verbosity, autoclobber=True, serialize=serialize, keepdb=False)
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    call_command("createcachetable", database=connection.alias)
    connection.ensure_connection()
    return name


def use_snapshots() -> None:
    """Route every test database creation through the snapshot (called by the root conftest)."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.create_test_db
    if getattr(original, "uses_snapshot", False):
        return

    def patched(
        self: Any, verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> str:
        return create_test_db(self, original, verbosity, autoclobber, serialize, keepdb)

    patched.uses_snapshot = True  # type: ignore[attr-defined]
    BaseDatabaseCreation.create_test_db = patched  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    """`python -m filiere.core.testdb --check`: exit 1 when a committed snapshot does not match."""
    django.setup()
    stale = [
        vendor
        for vendor in ("sqlite", "postgresql")
        if (snapshot := read_snapshot(vendor)) is None or snapshot[0] != snapshot_key(vendor)
    ]
    for vendor in stale:
        print(
            f"{snapshot_path(vendor)}: out of date with the migrations; run `make test` "
            f"(SQLite) and `make test-pg` (PostgreSQL), which write it, and commit it."
        )
    return 1 if "--check" in argv and stale else 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    sys.exit(main(sys.argv[1:]))
