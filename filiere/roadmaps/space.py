"""The roadmaps in the personal space's "Mes activités" list (core.space)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from .selectors import can_create_plan, plans_edited_by

LIST_LIMIT = 20


def activities(user: Any) -> SpaceSection:
    """Creating a plan, and the plans the person edits."""
    links = []
    if can_create_plan(user):
        links.append(SpaceLink(_("Créer une feuille de route"), reverse("roadmaps:plan_create")))
    for plan in plans_edited_by(user)[:LIST_LIMIT]:
        links.append(
            SpaceLink(
                _("Feuille de route : %(title)s") % {"title": plan.title},
                reverse("roadmaps:plan_detail", args=[plan.pk]),
            )
        )
    return SpaceSection(_("Feuilles de route"), links, order=30)
