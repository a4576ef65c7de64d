"""The training offer's section of the personal space (core.space): what an editor
of a training body, or platform staff, does with the offer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.models import ImportRun
from filiere.core.space import SpaceLink, SpaceSection

from .importers.records import RUN_KIND
from .selectors import can_import_training, training_bodies_editable_by


def section(user: Any) -> SpaceSection | None:
    """Importing an offer file (imports still waiting or running counted) and adding a course."""
    if not can_import_training(user):
        return None
    waiting = ImportRun.objects.filter(
        kind=RUN_KIND, status__in=(ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
    ).count()
    links = [
        SpaceLink(
            _("Importer une offre de formation"),
            reverse("training:import"),
            count=waiting or None,
            description=_("Fichier LHÉO ou CSV ; les derniers imports et leurs rapports."),
        )
    ]
    if training_bodies_editable_by(user).exists():
        links.append(SpaceLink(_("Ajouter une formation"), reverse("training:course_create")))
    return SpaceSection(_("Offre de formation"), links, order=50)
