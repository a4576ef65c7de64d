"""Links of the personal space's "Mes activités" list for bodies: the bodies a person runs (as
the board of their cluster or public body) and the bodies a person sits in (their meetings and
convocations)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from . import selectors as bodies_selectors


def activities(user: Any) -> SpaceSection | None:
    """None for whoever neither runs nor sits in a body."""
    links = [
        SpaceLink(
            _("Instances : %(name)s") % {"name": owner.name},
            reverse("governance:bodies", args=[owner.pk]),
            description=_("Sièges, réunions, convocations, présences, décisions et procès-verbaux."),
        )
        for owner in bodies_selectors.owners_run_by(user)[:5]
    ]
    for seat in bodies_selectors.seats_of(user)[:10]:
        links.append(
            SpaceLink(
                _("Je siège : %(body)s (%(owner)s)")
                % {"body": seat.body.name, "owner": seat.body.cluster.name},
                reverse("governance:body", args=[seat.body_id]),
                description=_("Réunions, convocations, ordre du jour et procès-verbaux."),
            )
        )
    if not links:
        return None
    return SpaceSection(_("Instances"), links, order=66)
