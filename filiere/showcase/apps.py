from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "filiere.showcase"
    label = "showcase"
    verbose_name = _("Vitrine des compétences")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.showcase.demo.load_showcase_demo"
