from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Besoins en compétences"),
        _("Ce que recherchent les entreprises, face à l'offre de formation."),
        "needs:gaps",
        70,
    ),
]


class NeedsConfig(AppConfig):
    name = "filiere.needs"
    label = "needs"
    home_shortcuts = "filiere.needs.apps.HOME_SHORTCUTS"
    verbose_name = _("Besoins en compétences")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.needs.demo.load_needs_demo"
    # Its links in the personal space's "Mes activités" list (core.space).
    space_activities = "filiere.needs.space.activities"
