from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "filiere.support"
    label = "support"
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
