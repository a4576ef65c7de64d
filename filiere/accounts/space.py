"""What the personal space shows: for each role the person holds, the pages that role uses.

Every answer comes from the owning app's selectors or from `accounts.permissions`, so a link
appears exactly when the page behind it would let the person in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from filiere.core.space import sections_for

from . import permissions, selectors
from .models import Invitation, JoinRequest, JoinStatus, Role

if TYPE_CHECKING:
    from .permissions import Viewer

LIST_LIMIT = 20


@dataclass
class OrganisationEntry:
    """One of the person's organisations, with what their role lets them do there."""

    membership: Any
    may_edit: bool
    may_administer: bool
    may_publish_offers: bool
    offers: list[Any] = field(default_factory=list)


def _organisation_entries(user: Viewer) -> list[OrganisationEntry]:
    from filiere.talent.models import JobOffer

    memberships = list(permissions.memberships_of(user))
    editing = {m.organisation_id for m in memberships if m.role in permissions.EDITING_ROLES}
    offers: dict[int, list[Any]] = {}
    for offer in JobOffer.objects.filter(organisation_id__in=editing).order_by("-created_at")[:100]:
        offers.setdefault(offer.organisation_id, []).append(offer)
    staff = permissions.is_platform_staff(user)
    entries = []
    for membership in memberships:
        is_editor = membership.role in permissions.EDITING_ROLES
        entries.append(
            OrganisationEntry(
                membership=membership,
                may_edit=is_editor or staff,
                may_administer=membership.role == Role.ADMIN or staff,
                may_publish_offers=is_editor,
                offers=offers.get(membership.organisation_id, [])[:LIST_LIMIT],
            )
        )
    return entries


def _plans_edited(user: Viewer) -> list[Any]:
    """Plans the person edits: whole plans (platform and regional staff) or actions carried by
    an organisation they edit."""
    from filiere.roadmaps.models import Plan

    if permissions.is_platform_staff(user):
        return list(Plan.objects.order_by("-start_date", "title")[:LIST_LIMIT])
    regions = permissions.administered_region_codes(user)
    editing = permissions.organisation_ids_of(user, permissions.EDITING_ROLES)
    if not regions and not editing:
        return []
    return list(
        Plan.objects.filter(Q(region_id__in=regions) | Q(axes__objectives__actions__owner_id__in=editing))
        .distinct()
        .order_by("-start_date", "title")[:LIST_LIMIT]
    )


def space_context(user: Viewer) -> dict[str, Any]:
    """The template context of the personal space of `user` (signed in)."""
    from filiere.needs.selectors import can_create_campaign, invitations_of_user, managed_campaigns
    from filiere.roadmaps.selectors import can_create_plan
    from filiere.talent.selectors import own_seeker, programmes_for_user
    from filiere.territories.models import Region

    regions = permissions.administered_region_codes(user)
    staff = permissions.is_platform_staff(user)
    email = (user.email or "").strip().lower()
    return {
        "organisations": _organisation_entries(user),
        "join_requests": list(
            JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING).select_related("organisation")
        ),
        "invitations_received": list(
            Invitation.objects.filter(email=email).pending().select_related("organisation") if email else []
        ),
        "may_validate": staff or permissions.is_cluster_staff(user),
        "has_surveys": invitations_of_user(user).exists(),
        "campaigns": list(managed_campaigns(user).order_by("-created_at")[:LIST_LIMIT]),
        "may_create_campaign": can_create_campaign(user),
        "plans": _plans_edited(user),
        "may_create_plan": can_create_plan(user),
        "is_adviser": permissions.is_adviser(user),
        "programmes": list(programmes_for_user(user)[:LIST_LIMIT]),
        "own_seeker": own_seeker(user),
        "may_publish_offers": permissions.organisations_with_role(user).exists(),
        "regions": list(Region.objects.filter(code__in=regions).order_by("name")),
        "may_administer_region": bool(regions) or staff,
        "sole_admin_of": selectors.sole_admin_organisations(user),
        "app_sections": sections_for(user),
    }
