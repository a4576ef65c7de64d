from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "filiere.observatory"
    label = "observatory"
    verbose_name = _("Observatoire")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.observatory.demo.load_observatory_demo"
