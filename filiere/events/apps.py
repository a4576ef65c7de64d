from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(_("Événements"), _("Ateliers, salons et rencontres de la filière à venir."), "events:list", 40),
]


class EventsConfig(AppConfig):
    name = "filiere.events"
    label = "events"
    home_shortcuts = "filiere.events.apps.HOME_SHORTCUTS"
    verbose_name = _("Événements")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.events.demo.load_events_demo"
    space_section = "filiere.events.space.section"
    # Read by roadmaps (computed indicators) and support (the firm's history), through the registry.
    roadmap_computations = "filiere.events.indicators.COMPUTATIONS"
    support_history = "filiere.events.selectors.attendance_for_siren"
