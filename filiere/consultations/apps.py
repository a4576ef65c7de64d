from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "filiere.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    # `filiere demo` runs this after the roadmaps' demo (INSTALLED_APPS order): it needs the NA plan.
    demo_loader = "filiere.consultations.demo.load_consultations_demo"
    space_section = "filiere.consultations.space.section"
    demo_accounts = "filiere.consultations.demo.demo_accounts"
