from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "filiere.governance"
    label = "governance"
    verbose_name = _("Gouvernance")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.governance.demo.load_governance_demo"
    # The development site's demo accounts: the NA consultative body's president (a seat).
    demo_accounts = "filiere.governance.demo.demo_accounts"
    space_section = "filiere.governance.space.section"
    # The bodies one runs or sits in, in the space's "Mes activités" list.
    space_activities = "filiere.governance.bodies.space.activities"
    # Read by roadmaps through the registry: computed indicators.
    roadmap_computations = "filiere.governance.indicators.COMPUTATIONS"
    # A roadmap action's page shows the money its funding lines granted and paid.
    roadmap_action_funding = "filiere.governance.selectors.funding_for_actions"
