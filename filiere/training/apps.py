from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Formations"),
        _("L'offre de formation au numérique et les reconversions."),
        "training:course_search",
        50,
    ),
]


class TrainingConfig(AppConfig):
    name = "filiere.training"
    label = "training"
    home_shortcuts = "filiere.training.apps.HOME_SHORTCUTS"
    verbose_name = _("Offre de formation")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.training.demo.load_training_demo"
    # Its section of the personal space (core.space): importing the offer, adding a course.
    space_section = "filiere.training.space.section"
