"""`filiere createdb`: create the PostgreSQL database of DATABASE_URL if it does not exist yet."""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = (
        "Crée la base PostgreSQL de DATABASE_URL si elle n'existe pas (rien à faire pour SQLite, "
        "qui crée son fichier à la première connexion)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            self.stdout.write("SQLite: the file is created by the first connection.")
            return
        name = database["NAME"]
        params = {
            "dbname": "postgres",
            "host": database.get("HOST") or None,
            "port": database.get("PORT") or None,
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
        }
        try:
            with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as connection:
                if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise CommandError(f"cannot reach PostgreSQL to create {name}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Database {name} created."))
