from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Observatoire"),
        _("Établissements, emplois et créations par territoire."),
        "observatory:overview",
        90,
    ),
]


class ObservatoryConfig(AppConfig):
    name = "filiere.observatory"
    label = "observatory"
    home_shortcuts = "filiere.observatory.apps.HOME_SHORTCUTS"
    verbose_name = _("Observatoire")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.observatory.demo.load_observatory_demo"
