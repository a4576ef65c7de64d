"""`filiere backup FILE`: a full copy of the database in one file (see core.backup)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base de données dans FICHIER, le site restant en service "
        "(SQLite : API de sauvegarde en ligne ; PostgreSQL : pg_dump au format custom)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier de sauvegarde à écrire (remplacé s'il existe).")
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["file"], using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size / 1_000_000
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({size:.1f} Mo)."))
