"""The support app's section of the personal space: requests to answer, services managed,
reports, the firm's own requests and history."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.space import SpaceLink, SpaceSection

from . import reports, selectors


def section(user: Any) -> SpaceSection | None:
    """Links for providers (requests to answer, services, reports) and firms (requests, history)."""
    if not permissions.is_signed_in(user):
        return None
    links: list[SpaceLink] = []
    if selectors.referrals_to_answer(user).exists():
        links.append(
            SpaceLink(
                _("Demandes d'accompagnement à traiter"),
                reverse("support:inbox"),
                count=selectors.open_referral_count(user),
                description=_("Les demandes orientées vers vos structures."),
            )
        )
    if selectors.managed_providers(user).exists():
        links.append(SpaceLink(_("Mes services d'accompagnement"), reverse("support:my_services")))
    for organisation, role in reports.reports_of_user(user):
        links.append(
            SpaceLink(
                _("Rapport d'accompagnement : %(name)s (%(role)s)")
                % {"name": organisation.name, "role": reports.ROLES[role]},
                reverse("support:report", args=[organisation.pk, role]),
            )
        )
    for organisation, key in selectors.firms_with_history(user):
        links.append(
            SpaceLink(
                _("Historique d'accompagnement : %(name)s") % {"name": organisation.name},
                reverse("support:history", args=[key]),
            )
        )
    for support_request in selectors.requests_visible_to(user).filter(created_by=user)[:10]:
        links.append(
            SpaceLink(
                _("Ma demande du %(date)s : %(name)s")
                % {
                    "date": support_request.created_at.strftime("%d/%m/%Y"),
                    "name": support_request.organisation.name,
                },
                reverse("support:request_detail", args=[support_request.pk]),
            )
        )
    links.append(SpaceLink(_("Déposer une demande d'accompagnement"), reverse("support:request_new")))
    return SpaceSection(_("Accompagnement des entreprises"), links, order=60)
