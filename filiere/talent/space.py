"""Talent in the personal space (core.space): the "Mes activités" links, and the recruiters'
inbox of applications as its own section."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection
from filiere.organisations import permissions as organisation_permissions

from . import selectors
from .permissions import is_adviser
from .selectors import own_seeker, programmes_for_user

LIST_LIMIT = 20


def activities(user: Any) -> SpaceSection:
    """The people the adviser follows, their programmes, the person's own job-seeker data."""
    links = []
    if is_adviser(user):
        links.append(SpaceLink(_("Les personnes que j'accompagne"), reverse("talent:seeker_list")))
    for programme in programmes_for_user(user)[:LIST_LIMIT]:
        links.append(
            SpaceLink(
                _("Programme : %(name)s") % {"name": programme.name},
                reverse("talent:programme_detail", args=[programme.pk]),
            )
        )
    if own_seeker(user):
        links.append(
            SpaceLink(_("Mon profil de recherche d'emploi et mes données"), reverse("talent:my_data"))
        )
    return SpaceSection(_("Talents et parcours"), links, order=40)


def section(user: Any) -> SpaceSection | None:
    """The applications received by the companies the person edits (none: no section)."""
    if not organisation_permissions.organisations_with_role(user).exists():
        return None
    return SpaceSection(
        title=_("Recrutement"),
        links=[
            SpaceLink(
                label=_("Candidatures reçues"),
                url=reverse("talent:application_inbox"),
                count=selectors.waiting_applications_count(user),
                description=_("Les candidatures à vos offres : examiner, retenir, refuser avec un motif."),
            )
        ],
        order=40,
    )
