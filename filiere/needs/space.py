"""The skill-needs surveys in the personal space's "Mes activités" list (core.space)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.core.space import SpaceLink, SpaceSection

from .selectors import can_create_campaign, invitations_of_user, managed_campaigns

LIST_LIMIT = 20


def activities(user: Any) -> SpaceSection:
    """Surveys to answer, launching a campaign, the campaigns the person manages."""
    links = []
    if invitations_of_user(user).exists():
        links.append(
            SpaceLink(_("Enquêtes sur les besoins en compétences à remplir"), reverse("needs:my_surveys"))
        )
    if can_create_campaign(user):
        links.append(
            SpaceLink(
                _("Lancer une enquête sur les besoins en compétences"), reverse("needs:campaign_create")
            )
        )
    for campaign in managed_campaigns(user).order_by("-created_at")[:LIST_LIMIT]:
        links.append(
            SpaceLink(
                _("Enquête : %(title)s") % {"title": campaign.title},
                reverse("needs:campaign_detail", args=[campaign.pk]),
            )
        )
    return SpaceSection(_("Besoins en compétences"), links, order=20)
