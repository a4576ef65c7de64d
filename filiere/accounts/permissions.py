"""Who is who: the roles every rights question is built on (docs/permissions.md is the table).

Roles, defined here once:

- **anonymous** and **signed-in** (`is_signed_in`: authenticated and active);
- **organisation member / editor / admin** (`accounts.Membership.role`; `has_role`,
  `memberships_of`, `organisation_ids_of`);
- **platform staff** (`is_staff` or `is_superuser`; they also use the Django admin);
- **regional staff** of a region (`accounts.RegionalRole`; `administered_region_codes`,
  `is_regional_admin`).

The rules built on them live with the things they protect: organisations and clusters in
`filiere.organisations.permissions` (edit, administer, validate), people, job offers and
applications in `filiere.talent.permissions`, plans, campaigns, events… in each app's selectors.
Functions take the user first and return a bool (`may_*`, `is_*`) or a QuerySet / set of what the
user may act on. Apps resolve objects in their own `get_<thing>_for_user` selectors, which call
these; nothing else decides a right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, overload

from django.db.models import QuerySet

from .models import Membership, RegionalRole, Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Whoever asks: `request.user`, signed in or not, or None where there is no request (a template
# rendered without one, a task). Functions that act for an account take `User`.
Viewer: TypeAlias = "User | AnonymousUser | None"

EDITING_ROLES = (Role.EDITOR, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)
# An adviser is any member of a structure: talent has no finer role (an agency's counsellors are
# plain members of it).
ADVISER_ROLES = (Role.MEMBER, Role.EDITOR, Role.ADMIN)


@overload
def pk_of(organisation: None) -> None: ...
@overload
def pk_of(organisation: Any) -> int: ...
def pk_of(organisation: Any) -> int | None:
    """The primary key of `organisation`, given as an instance, an id or None."""
    return organisation if isinstance(organisation, int) or organisation is None else organisation.pk


# --- Signed-in, platform and regional staff ------------------------------------------------


def is_signed_in(user: Viewer) -> TypeGuard[User]:
    """Whether `user` is a signed-in, active account (the only signed-in check of the project)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_staff(user: Viewer) -> bool:
    """Platform staff: `is_staff` or `is_superuser`, signed in."""
    return is_signed_in(user) and bool(user.is_staff or user.is_superuser)


def administered_region_codes(user: Viewer) -> set[str]:
    """The codes of the regions `user` administers (regional staff)."""
    if not is_signed_in(user):
        return set()
    return set(RegionalRole.objects.filter(user=user).values_list("region_id", flat=True))


def is_regional_admin(user: Viewer, region_code: str | None = None) -> bool:
    """Whether `user` is regional staff of `region_code` (of any region when not given)."""
    if not is_signed_in(user):
        return False
    roles = RegionalRole.objects.filter(user=user)
    if region_code is not None:
        if not region_code:
            return False
        roles = roles.filter(region_id=region_code)
    return roles.exists()


# --- Memberships ---------------------------------------------------------------------------


def memberships_of(user: Viewer) -> QuerySet[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    if not is_signed_in(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def organisation_ids_of(user: Viewer, roles: tuple[str, ...] | None = None) -> set[int]:
    """Ids of the organisations `user` belongs to (with one of `roles` when given)."""
    if not is_signed_in(user):
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organisation_id", flat=True))


def has_role(user: Viewer, organisation: Any, roles: tuple[str, ...] = EDITING_ROLES) -> bool:
    """Whether `user` has one of `roles` in `organisation` (an instance or an id)."""
    if not is_signed_in(user) or organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=pk_of(organisation), role__in=roles).exists()
