"""Who may do what with organisations and clusters (docs/permissions.md is the table).

Built on the roles `accounts.permissions` defines (memberships, platform staff, regional staff):

- **editors/admins** of an organisation edit it; its **admins** administer its people;
- **regional staff** of a region edit and administer every organisation with an establishment
  there; **platform staff** edit and administer every organisation;
- **cluster staff** (editors/admins of an organisation of kind cluster) validate the competence
  declarations of that cluster's members only (organisations with a "member of" relation to it).

Functions take the user first and return a bool (`may_*`, `is_*`) or a QuerySet of what the user
may act on; apps' `get_<thing>_for_user` selectors call them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from filiere.accounts.models import Membership
from filiere.accounts.permissions import (
    ADMIN_ROLES,
    EDITING_ROLES,
    administered_region_codes,
    has_role,
    is_platform_staff,
    is_signed_in,
    pk_of,
)

from .models import Establishment, Kind, Organisation, RelationKind

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

# --- Organisations -------------------------------------------------------------------------


def organisation_region_codes(organisation: Any) -> set[str]:
    """The regions where the organisation has establishments."""
    return set(
        Establishment.objects.filter(organisation_id=pk_of(organisation))
        .exclude(region_code="")
        .values_list("region_code", flat=True)
        .distinct()
    )


def _is_regional_staff_of(user: Viewer, organisation: Any) -> bool:
    regions = administered_region_codes(user)
    return bool(regions) and bool(regions & organisation_region_codes(organisation))


def may_edit_organisation(user: Viewer, organisation: Any) -> bool:
    """Edit an organisation (its record, showcase, offers…): its editors/admins, platform staff,
    and regional staff of a region where it has an establishment."""
    if not is_signed_in(user) or organisation is None:
        return False
    if is_platform_staff(user) or has_role(user, organisation, EDITING_ROLES):
        return True
    return _is_regional_staff_of(user, organisation)


def may_administer_organisation(user: Viewer, organisation: Any) -> bool:
    """Invite people and change their roles: the organisation's admins, platform staff, and
    regional staff of a region where it has an establishment."""
    if not is_signed_in(user) or organisation is None:
        return False
    if is_platform_staff(user) or has_role(user, organisation, ADMIN_ROLES):
        return True
    return _is_regional_staff_of(user, organisation)


def organisations_editable_by(user: Viewer) -> QuerySet[Organisation]:
    """Organisations `user` may edit (see `may_edit_organisation`)."""
    if not is_signed_in(user):
        return Organisation.objects.none()
    if is_platform_staff(user):
        return Organisation.objects.all()
    condition = Q(
        pk__in=Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("organisation_id")
    )
    regions = administered_region_codes(user)
    if regions:
        condition |= Q(establishments__region_code__in=regions)
    return Organisation.objects.filter(condition).distinct()


def organisations_with_role(user: Viewer, roles: tuple[str, ...] = EDITING_ROLES) -> QuerySet[Organisation]:
    """Organisations where `user` holds one of `roles` themselves (no staff or regional
    extension): the companies a person may publish an offer for, their own showcases…"""
    if not is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("organisation_id")
    )


# --- Clusters ------------------------------------------------------------------------------


def is_cluster_staff(user: Viewer, cluster: Any | None = None) -> bool:
    """Editor/admin of an organisation of kind cluster (of `cluster` when given)."""
    if not is_signed_in(user):
        return False
    memberships = Membership.objects.filter(
        user=user, role__in=EDITING_ROLES, organisation__kind=Kind.CLUSTER
    )
    if cluster is not None:
        memberships = memberships.filter(organisation_id=pk_of(cluster))
    return memberships.exists()


def clusters_validated_by(user: Viewer) -> QuerySet[Organisation]:
    """Clusters in whose name `user` validates declarations: the clusters they are staff of
    (every cluster for platform staff)."""
    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    if not is_signed_in(user):
        return clusters.none()
    if is_platform_staff(user):
        return clusters
    return clusters.filter(
        pk__in=Membership.objects.filter(user=user, role__in=EDITING_ROLES).values("organisation_id")
    )


def may_validate_for_cluster(user: Viewer, cluster: Any) -> bool:
    """Validate declarations in the name of `cluster`: its staff, and platform staff."""
    if cluster is None:
        return False
    return clusters_validated_by(user).filter(pk=pk_of(cluster)).exists()


def cluster_members(cluster: Any) -> QuerySet[Organisation]:
    """Organisations related to `cluster` by a "member of" relation."""
    return Organisation.objects.filter(
        relations_out__kind=RelationKind.MEMBER_OF, relations_out__target_id=pk_of(cluster)
    ).distinct()


def validating_clusters(user: Viewer, organisation: Any) -> QuerySet[Organisation]:
    """The clusters `organisation` is a member of in whose name `user` may validate."""
    return (
        clusters_validated_by(user)
        .filter(relations_in__kind=RelationKind.MEMBER_OF, relations_in__source_id=pk_of(organisation))
        .distinct()
    )


def may_validate_organisation(user: Viewer, organisation: Any) -> bool:
    """Validate (and read for validation) the declarations of `organisation`: staff of a cluster
    it is a member of, and platform staff."""
    if not is_signed_in(user) or organisation is None:
        return False
    return is_platform_staff(user) or validating_clusters(user, organisation).exists()


def organisations_validated_by(user: Viewer) -> QuerySet[Organisation]:
    """Organisations whose declarations `user` validates (see `may_validate_organisation`)."""
    if not is_signed_in(user):
        return Organisation.objects.none()
    if is_platform_staff(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        relations_out__kind=RelationKind.MEMBER_OF,
        relations_out__target__in=clusters_validated_by(user),
    ).distinct()
