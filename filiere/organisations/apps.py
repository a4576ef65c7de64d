from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut


def _repair_fulltext(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from .search import ensure_search_objects

    ensure_search_objects(using)


# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Annuaire"),
        _("Tous les acteurs de l'écosystème, avec leurs établissements."),
        "organisations:search",
        10,
    ),
]


class OrganisationsConfig(AppConfig):
    name = "filiere.organisations"
    label = "organisations"
    home_shortcuts = "filiere.organisations.apps.HOME_SHORTCUTS"
    # `filiere reindex`: the directory's full-text index, rebuilt from search_text.
    reindexer = "filiere.organisations.reindex.rebuild_index"
    # Figures for roadmap indicators, collected by roadmaps.computations (see core.indicators).
    roadmap_computations = "filiere.organisations.indicators.COMPUTATIONS"
    # The home page's per-region cards and the development site's demo accounts (core.views).
    home_context = "filiere.organisations.selectors.home_context"
    demo_accounts = "filiere.organisations.demo.runner.demo_accounts"

    def ready(self) -> None:
        # SQLite drops the FTS triggers and raw indexes whenever a migration remakes the table.
        post_migrate.connect(_repair_fulltext, sender=self, dispatch_uid="organisations_fulltext")
