from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Filière"
    name = "filiere.core"
    label = "core"
