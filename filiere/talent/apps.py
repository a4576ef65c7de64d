from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Emploi et parcours"),
        _("Offres d'emploi et accompagnement des demandeurs d'emploi."),
        "talent:home",
        60,
    ),
]


class TalentConfig(AppConfig):
    name = "filiere.talent"
    label = "talent"
    home_shortcuts = "filiere.talent.apps.HOME_SHORTCUTS"
    verbose_name = _("Talents et parcours")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.talent.demo.load_talent_demo"
    # `filiere reindex`: every job offer's and job seeker's document in the matching engine.
    reindexer = "filiere.talent.indexing.rebuild_index"
    # The personal space: the recruiters' inbox of applications (`core.space`).
    space_section = "filiere.talent.space.section"
    # Figures for roadmap indicators, collected by roadmaps.computations (see core.indicators).
    roadmap_computations = "filiere.talent.indicators.COMPUTATIONS"
    # The development site's demo accounts page (core.views).
    demo_accounts = "filiere.talent.demo.demo_accounts"
    # Its links in the personal space's "Mes activités" list (core.space).
    space_activities = "filiere.talent.space.activities"
    # The offers under each organisation of the personal space (core.space, `facts_for`).
    space_facts = "filiere.talent.space.facts"
