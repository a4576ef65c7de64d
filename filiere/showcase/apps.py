from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from filiere.core.home import Shortcut

# The home page's shortcuts to the app's public pages (core.home).
HOME_SHORTCUTS = [
    Shortcut(
        _("Vitrine des compétences"),
        _("Trouver une entreprise régionale par savoir-faire."),
        "showcase:search",
        20,
    ),
]


class ShowcaseConfig(AppConfig):
    name = "filiere.showcase"
    label = "showcase"
    home_shortcuts = "filiere.showcase.apps.HOME_SHORTCUTS"
    verbose_name = _("Vitrine des compétences")
    # `filiere demo` calls this after the directory's demo (see organisations' demo command).
    demo_loader = "filiere.showcase.demo.load_showcase_demo"
    # `filiere reindex`: every profile's document in the matching engine, the filter arrays.
    reindexer = "filiere.showcase.indexing.rebuild_index"
    # The personal space's link to the validation queue (core.space, `facts_for`).
    space_facts = "filiere.showcase.space.facts"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import facets
        from .models import ShowcaseProfile

        # Any ORM write to a profile or its sectors (services, admin, cascades) makes every
        # process rebuild its filter arrays (see `facets`).
        def changed(**kwargs: object) -> None:
            facets.touch()

        post_save.connect(changed, sender=ShowcaseProfile, weak=False, dispatch_uid="showcase_facets_save")
        post_delete.connect(
            changed, sender=ShowcaseProfile, weak=False, dispatch_uid="showcase_facets_delete"
        )
        m2m_changed.connect(
            changed,
            sender=ShowcaseProfile.target_sectors.through,
            weak=False,
            dispatch_uid="showcase_facets_m2m",
        )
