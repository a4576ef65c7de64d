"""Reads about users' rights, shared by every app that checks who may do what."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import Membership, RegionalRole, Role

EDITING_ROLES = (Role.EDITOR, Role.ADMIN)


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_regional_admin(user: Any, region_code: str) -> bool:
    """Whether `user` administers the region `region_code` (regional council staff)."""
    if not _is_signed_in(user) or not region_code:
        return False
    return RegionalRole.objects.filter(user=user, region_id=region_code).exists()


def administered_region_codes(user: Any) -> set[str]:
    """The codes of the regions `user` administers."""
    if not _is_signed_in(user):
        return set()
    return set(RegionalRole.objects.filter(user=user).values_list("region_id", flat=True))


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    if not _is_signed_in(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def organisations_editable_by(user: Any) -> QuerySet:
    """Organisations `user` may edit: all for platform staff; else their editor/admin
    memberships plus every organisation with an establishment in a region they administer."""
    from filiere.organisations.models import Organisation

    if not _is_signed_in(user):
        return Organisation.objects.none()
    if user.is_staff or user.is_superuser:
        return Organisation.objects.all()
    regions = administered_region_codes(user)
    condition = Q(memberships__user=user, memberships__role__in=EDITING_ROLES)
    if regions:
        condition |= Q(establishments__region_code__in=regions)
    return Organisation.objects.filter(condition).distinct()


def is_cluster_staff(user: Any, cluster: Any | None = None) -> bool:
    """Whether `user` is staff of a cluster: editor/admin of an organisation of kind cluster
    (of `cluster` when given, of any cluster otherwise)."""
    from filiere.organisations.models import Kind

    if not _is_signed_in(user):
        return False
    memberships = Membership.objects.filter(
        user=user, role__in=EDITING_ROLES, organisation__kind=Kind.CLUSTER
    )
    if cluster is not None:
        memberships = memberships.filter(organisation=cluster)
    return memberships.exists()
