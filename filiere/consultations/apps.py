from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Consultations"),
        _("Amender, proposer et soutenir en ligne les feuilles de route en projet."),
        "consultations:list",
        110,
    ),
]


class ConsultationsConfig(AppConfig):
    name = "filiere.consultations"
    label = "consultations"
    home_shortcuts = "filiere.consultations.apps.HOME_SHORTCUTS"
    verbose_name = _("Consultations")
    # `filiere demo` runs this after the roadmaps' demo (INSTALLED_APPS order): it needs the NA plan.
    demo_loader = "filiere.consultations.demo.load_consultations_demo"
    space_section = "filiere.consultations.space.section"
    demo_accounts = "filiere.consultations.demo.demo_accounts"
