from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "filiere.taxonomy"
    label = "taxonomy"
    # `filiere reference load|status`: NAF, ROME, ESCO (territories registers its own).
    reference_datasets = "filiere.taxonomy.reference.DATASETS"
