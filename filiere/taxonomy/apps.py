from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "filiere.taxonomy"
    label = "taxonomy"
