"""What the personal space shows: for each role the person holds, the pages that role uses.

Every answer comes from the owning app (its selectors and permissions, through `core.space`:
`space_facts`, `space_activities`, `space_section`) or from `accounts.permissions`, so a link
appears exactly when the page behind it would let the person in. Apps add their links through
their AppConfig (`space_activities` for the "Mes activités" list, `space_section` for a section
of their own; core.space).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filiere.core.space import activities_for, facts_for, sections_for
from filiere.territories.models import Region

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


def _organisation_entries(user: Viewer, offers: dict[int, list[Any]]) -> list[OrganisationEntry]:
    memberships = list(permissions.memberships_of(user))
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


def space_context(user: Viewer) -> dict[str, Any]:
    """The template context of the personal space of `user` (signed in)."""
    regions = permissions.administered_region_codes(user)
    staff = permissions.is_platform_staff(user)
    email = (user.email or "").strip().lower()
    facts = facts_for(user)
    return {
        "organisations": _organisation_entries(user, facts.get("offers_by_organisation", {})),
        "join_requests": list(
            JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING).select_related("organisation")
        ),
        "invitations_received": list(
            Invitation.objects.filter(email=email).pending().select_related("organisation") if email else []
        ),
        "may_validate": bool(facts.get("may_validate")),
        "may_publish_offers": bool(facts.get("may_publish_offers")),
        "regions": list(Region.objects.filter(code__in=regions).order_by("name")),
        "may_administer_region": bool(regions) or staff,
        "sole_admin_of": selectors.sole_admin_organisations(user),
        "activities": activities_for(user),
        "app_sections": sections_for(user),
    }
