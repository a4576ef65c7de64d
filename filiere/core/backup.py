"""Backup and restore of the whole database, one file each way (`filiere backup` / `restore`).

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a consistent copy taken
  page by page while the site keeps serving and writing (WAL); the file is an ordinary SQLite
  database. Restoring copies it back the same way, over the live database file.
- PostgreSQL: `pg_dump --format=custom` (compressed, restorable table by table) and
  `pg_restore --clean --if-exists --no-owner --single-transaction`, so a failed restore changes
  nothing. The client programs must be installed (`pg_dump --version`).

Both carry everything: rows, full-text indexes (SQLite FTS5 tables, PostgreSQL GIN indexes),
migration history. Restore refuses a database that holds data unless forced, then rebuilds the
derived indexes (`filiere reindex`), since a backup may come from another version.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """A backup or restore that cannot be done (message in French, for the operator)."""


def _connection(using: str):  # noqa: ANN202 (a Django DatabaseWrapper)
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"moteur de base de données non pris en charge : {connection.vendor}")
    return connection


def content_counts(using: str = "default") -> dict[str, int]:
    """Rows that say the database is in use: user accounts, organisations, import runs.

    (Other tables may hold rows a fresh `migrate` wrote, such as the showcase's sectors.)
    """
    labels = [settings.AUTH_USER_MODEL, "organisations.Organisation", "core.ImportRun"]
    counts = {}
    table_names = set(connections[using].introspection.table_names())
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._meta.db_table in table_names:
            counts[model._meta.verbose_name_plural] = model._base_manager.using(using).count()
    return {name: count for name, count in counts.items() if count}


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} introuvable : installez le client PostgreSQL (paquet postgresql-client)."
        )
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {completed.stderr.strip()}")


def backup(path: str | Path, *, using: str = "default") -> Path:
    """Write a full copy of the database to `path` (replaced atomically); returns the path."""
    connection = _connection(using)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
            # A self-contained file: opening it (even read-only) then leaves no -wal/-shm files.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    else:
        settings_dict = connection.settings_dict
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                settings_dict["NAME"],
            ],
            _pg_env(settings_dict),
        )
    partial.replace(path)
    return path


def restore(path: str | Path, *, force: bool = False, using: str = "default") -> None:
    """Replace the database's content with the backup at `path`.

    Raises BackupError when the file is missing or of the wrong kind, and when the database
    holds data (`content_counts`) unless `force`.
    """
    connection = _connection(using)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"fichier de sauvegarde introuvable : {path}")
    if not force:
        counts = content_counts(using)
        if counts:
            held = ", ".join(f"{count} {name}" for name, count in counts.items())
            raise BackupError(
                f"la base de données n'est pas vide ({held}) : la restauration remplacerait tout son contenu. "
                "Relancez avec --force pour l'écraser."
            )
    if connection.vendor == "sqlite":
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} n'est pas une sauvegarde SQLite (fichier de `filiere backup`).")
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            # Page by page into the live database, under its write lock: other connections see
            # the old content or the new one, never a mix.
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()  # the schema changed under this connection
    else:
        with path.open("rb") as handle:
            if handle.read(5) != b"PGDMP":
                raise BackupError(f"{path} n'est pas une sauvegarde PostgreSQL (format custom de pg_dump).")
        settings_dict = connection.settings_dict
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            _pg_env(settings_dict),
        )
