"""The B2B meetings' section of the personal space: programmes I take part in, those I organise."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from . import selectors
from .needs import space as needs_space


def section(user: Any) -> SpaceSection | None:
    links = [
        SpaceLink(
            _("Mes rendez-vous d'affaires"),
            reverse("meetings:mine"),
            description=_("Demandes de rendez-vous, agendas, programmes que j'organise."),
        )
    ]
    for programme in selectors.programmes_of(user)[:3]:
        links.append(
            SpaceLink(
                _("Agenda : %(title)s") % {"title": programme.event.title},
                reverse("meetings:agenda", args=[programme.pk]),
            )
        )
    for programme in selectors.programmes_managed_by(user)[:3]:
        links.append(
            SpaceLink(
                _("Organiser : %(title)s") % {"title": programme.event.title},
                reverse("meetings:manage", args=[programme.pk]),
            )
        )
    links.extend(needs_space.links(user))  # buyers' needs
    return SpaceSection(_("Rendez-vous d'affaires"), links, order=65)
