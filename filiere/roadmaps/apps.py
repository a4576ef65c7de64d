from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Feuilles de route"),
        _("Les plans d'action de la région et leur avancement."),
        "roadmaps:plan_list",
        100,
    ),
]


class RoadmapsConfig(AppConfig):
    name = "filiere.roadmaps"
    label = "roadmaps"
    home_shortcuts = "filiere.roadmaps.apps.HOME_SHORTCUTS"
    verbose_name = _("Feuilles de route")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.roadmaps.demo.load_roadmaps_demo"
    # Its links in the personal space's "Mes activités" list (core.space).
    space_activities = "filiere.roadmaps.space.activities"
