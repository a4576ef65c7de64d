"""Talent in the personal space (core.space): the "Mes activités" links, the recruiters'
inbox of applications as its own section, and the offers listed under each organisation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.accounts.permissions import EDITING_ROLES, organisation_ids_of
from filiere.core.space import SpaceLink, SpaceSection
from filiere.organisations import permissions as organisation_permissions

from . import selectors
from .models import JobOffer
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


def facts(user: Any) -> dict[str, Any]:
    """For the space's "Mes organisations" (core.space `space_facts`): the latest offers of each
    organisation the person edits, newest first, and whether they may publish an offer at all."""
    editing = organisation_ids_of(user, EDITING_ROLES)
    offers: dict[int, list[JobOffer]] = {}
    for offer in JobOffer.objects.filter(organisation_id__in=editing).order_by("-created_at")[:100]:
        offers.setdefault(offer.organisation_id, []).append(offer)
    return {
        "offers_by_organisation": offers,
        "may_publish_offers": organisation_permissions.organisations_with_role(user).exists(),
    }
