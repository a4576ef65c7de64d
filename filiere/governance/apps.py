from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "filiere.governance"
    label = "governance"
    verbose_name = _("Gouvernance")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.governance.demo.load_governance_demo"
    space_section = "filiere.governance.space.section"
    # Read by roadmaps through the registry: computed indicators and an action's funding.
    roadmap_computations = "filiere.governance.indicators.COMPUTATIONS"
