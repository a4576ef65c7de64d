from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "filiere.needs"
    label = "needs"
    verbose_name = _("Besoins en compétences")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.needs.demo.load_needs_demo"
    # Its links in the personal space's "Mes activités" list (core.space).
    space_activities = "filiere.needs.space.activities"
