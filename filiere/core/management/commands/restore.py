"""`filiere restore FILE [--force]`: replace the database with a backup, then rebuild the indexes."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from filiere.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure la base de données depuis un fichier de `filiere backup`, puis reconstruit les "
        "index dérivés (`filiere reindex`). Refuse une base qui contient des données sans --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier écrit par `filiere backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Écrase une base qui contient déjà des données."
        )
        parser.add_argument("--no-reindex", action="store_true", help="Ne reconstruit pas les index ensuite.")
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(options["file"], force=options["force"], using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Base restaurée depuis {options['file']}."))
        if not options["no_reindex"]:
            call_command("reindex", stdout=self.stdout)
        self.stdout.write(
            "Si la sauvegarde vient d'une version antérieure, lancez `filiere migrate` puis `filiere reindex`."
        )
