"""`filiere reindex`: rebuild every index derived from the data (after a restore or a loaddata).

Each app that keeps something derived outside its models names a function in its AppConfig
(`reindexer`, a dotted path returning a dict of counts); this command runs them in
INSTALLED_APPS order, so core knows no app. Safe to run at any time: it only rewrites indexes
and caches from the rows.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


def reindexers() -> list[tuple[str, str]]:
    """(app label, dotted path) of every app's reindexer, in INSTALLED_APPS order."""
    return [
        (config.label, path)
        for config in apps.get_app_configs()
        if (path := getattr(config, "reindexer", None))
    ]


class Command(BaseCommand):
    help = (
        "Reconstruit les index dérivés des données : recherche de l'annuaire, index plein texte "
        "du moteur de correspondance, documents de la vitrine et des talents, vecteurs manquants."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, path in reindexers():
            counts = import_string(path)()
            details = ", ".join(f"{key} {value}" for key, value in counts.items())
            self.stdout.write(f"{label} : {details}")
        self.stdout.write(self.style.SUCCESS("Index reconstruits."))
