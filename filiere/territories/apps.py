from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "filiere.territories"
    label = "territories"
