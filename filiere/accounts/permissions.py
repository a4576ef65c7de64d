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

Within a request (`PermissionFactsMiddleware`), a person's memberships and regional roles are read
once and kept for the rest of the request: the personal space asked them about thirty times. A
save or delete of a membership or a regional role forgets them (signals, `signals.py`); inside a
transaction the request opens (a service at work, which may roll back) and outside a request
(tasks, commands, services called by tests) every call reads the database as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar, overload

from django.db import connection
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


# --- Facts kept for one request --------------------------------------------------------------

T = TypeVar("T")


class _Facts(dict[tuple[int, str], Any]):
    """What was read, and the transaction depth of the request when it started."""

    def __init__(self, depth: tuple[bool, int]) -> None:
        super().__init__()
        self.depth = depth


_request_facts: ContextVar[_Facts | None] = ContextVar("permission_facts", default=None)


def _depth() -> tuple[bool, int]:
    return connection.in_atomic_block, len(connection.savepoint_ids)


@contextmanager
def facts_kept_for_request() -> Iterator[None]:
    """Keep each person's memberships and regional roles, once read, until the block ends."""
    token = _request_facts.set(_Facts(_depth()))
    try:
        yield
    finally:
        _request_facts.reset(token)


def forget_facts() -> None:
    """Forget what was kept (a membership or a regional role was written)."""
    facts = _request_facts.get()
    if facts is not None:
        facts.clear()


def _kept(user: User, name: str, read: Callable[[], T]) -> T:
    """`read()`, kept for the request. Not inside a transaction the request opened (a service
    writing): what is read there could be rolled back, so it is neither kept nor taken from what
    was kept; a write there forgets what was kept before (signals)."""
    facts = _request_facts.get()
    if facts is None or _depth() != facts.depth:
        return read()
    key = (user.pk, name)
    if key not in facts:
        facts[key] = read()
    return facts[key]


def _region_codes(user: User) -> frozenset[str]:
    return _kept(
        user,
        "regions",
        lambda: frozenset(RegionalRole.objects.filter(user=user).values_list("region_id", flat=True)),
    )


def _roles_by_organisation(user: User) -> dict[int, str]:
    """{organisation id: role} of `user`'s memberships (read once per request)."""
    return _kept(
        user,
        "memberships",
        lambda: dict(Membership.objects.filter(user=user).values_list("organisation_id", "role")),
    )


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
    return set(_region_codes(user))


def is_regional_admin(user: Viewer, region_code: str | None = None) -> bool:
    """Whether `user` is regional staff of `region_code` (of any region when not given)."""
    if not is_signed_in(user):
        return False
    codes = _region_codes(user)
    if region_code is None:
        return bool(codes)
    return bool(region_code) and region_code in codes


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
    return {pk for pk, role in _roles_by_organisation(user).items() if roles is None or role in roles}


def has_role(user: Viewer, organisation: Any, roles: tuple[str, ...] = EDITING_ROLES) -> bool:
    """Whether `user` has one of `roles` in `organisation` (an instance or an id)."""
    if not is_signed_in(user) or organisation is None:
        return False
    return _roles_by_organisation(user).get(pk_of(organisation)) in roles
