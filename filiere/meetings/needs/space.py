"""Links of the buyers' needs in the meetings' section of the personal space."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.space import SpaceLink

from . import selectors


def links(user: Any) -> list[SpaceLink]:
    """ "Mes besoins" for whoever may post one or belongs to a buyer; "Besoins reçus" for firms'
    people; the figures for staff."""
    if not permissions.is_signed_in(user):
        return []
    found = [
        SpaceLink(
            _("Mes besoins"),
            reverse("meetings:needs_mine"),
            description=_(
                "Besoins de R&D, appels à partenaires, besoins publics : entreprises proposées, réponses."
            ),
        )
    ]
    if permissions.organisation_ids_of(user):
        found.append(
            SpaceLink(
                _("Besoins reçus"),
                reverse("meetings:needs_received"),
                count=selectors.waiting_count(user) or None,
                description=_(
                    "Les besoins d'acheteurs où votre entreprise est sollicitée, et ceux de votre région."
                ),
            )
        )
    if selectors.may_see_figures(user):
        found.append(SpaceLink(_("Chiffres des besoins"), reverse("meetings:needs_figures")))
    return found
