from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "filiere.training"
    label = "training"
    verbose_name = _("Offre de formation")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.training.demo.load_training_demo"
