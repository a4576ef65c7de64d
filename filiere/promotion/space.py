"""The region pages section of the personal space: for the region's staff (and platform staff)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.space import SpaceLink, SpaceSection

from . import selectors


def section(user: Any) -> SpaceSection | None:
    """Links to curate each region's public page, with the count of entries waiting for review."""
    if permissions.is_platform_staff(user):
        waiting = len(selectors.entries_to_review(user))
        links = [
            SpaceLink(_("Pages publiques des régions"), reverse("promotion:manage"), count=waiting or None)
        ]
        return SpaceSection(_("Promotion de la région"), links, order=70)
    regions = list(selectors.regions_curated_by(user))
    if not regions:
        return None
    to_review = selectors.entries_to_review(user)
    links = [
        SpaceLink(
            _("Page publique : %(name)s") % {"name": region.name},
            reverse("promotion:manage_region", args=[region.code]),
            count=sum(1 for e in to_review if e.region_id == region.code) or None,
            description=_(
                "Secteurs d'excellence, offre aux acheteurs, success stories, portraits, contacts."
            ),
        )
        for region in regions
    ]
    links += [
        SpaceLink(
            _("Prospection : %(name)s") % {"name": region.name},
            reverse("promotion:prospects", args=[region.code]),
            description=_(
                "Cibles par secteur et pays, actions, pistes transmises aux entreprises, résultats."
            ),
        )
        for region in regions
    ]
    links.append(SpaceLink(_("Métiers du numérique (pages pour les jeunes)"), reverse("occupations:list")))
    return SpaceSection(_("Promotion de la région"), links, order=70)
