from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "filiere.territories"
    label = "territories"
    # `filiere reference load|status` (the command lives in taxonomy and names no other app).
    reference_datasets = "filiere.territories.reference.DATASETS"
