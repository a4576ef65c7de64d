from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "filiere.territories"
    label = "territories"
    # `filiere reference load|status` (the command lives in taxonomy and names no other app).
    reference_datasets = "filiere.territories.reference.DATASETS"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import geo
        from .models import Department

        # The department centres are kept between calls: a department saved or deleted through
        # the ORM forgets them (the importer, which writes in bulk, forgets them itself).
        post_save.connect(geo.forget, sender=Department, dispatch_uid="territories.geo.save")
        post_delete.connect(geo.forget, sender=Department, dispatch_uid="territories.geo.delete")
