from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Accompagnement"),
        _("Les services d'appui aux entreprises, et ceux ouverts à la vôtre."),
        "support:catalogue",
        30,
    ),
]


class SupportConfig(AppConfig):
    name = "filiere.support"
    label = "support"
    home_shortcuts = "filiere.support.apps.HOME_SHORTCUTS"
    verbose_name = _("Accompagnement des entreprises")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.support.demo.load_support_demo"
    # `filiere reindex` after a restore: the services' documents in the matching engine.
    reindexer = "filiere.support.indexing.rebuild_index"
    space_section = "filiere.support.space.section"
    # One support history per SIREN: every app may contribute entries (docs/adding-an-app.md).
    support_history = "filiere.support.selectors.support_entries_for_siren"
    # "Companies supported this year" for roadmap indicators (core.indicators).
    roadmap_computations = "filiere.support.indicators.COMPUTATIONS"
