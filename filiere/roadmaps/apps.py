from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "filiere.roadmaps"
    label = "roadmaps"
    verbose_name = _("Feuilles de route")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.roadmaps.demo.load_roadmaps_demo"
    # Its links in the personal space's "Mes activités" list (core.space).
    space_activities = "filiere.roadmaps.space.activities"
