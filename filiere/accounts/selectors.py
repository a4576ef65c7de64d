"""Reads of the accounts app.

Roles live in `filiere.accounts.permissions`; the rules on organisations in
`filiere.organisations.permissions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from .models import Membership, Role

if TYPE_CHECKING:
    from .permissions import Viewer

# --- Invitations, join requests, members (access functions) ---------------------------------


def _first(queryset: QuerySet, pk: Any) -> Any | None:
    """The row `pk` of `queryset`, or None (also for ids no database column can hold)."""
    try:
        return queryset.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError):
        return None


def find_user_by_email(email: str) -> Any | None:
    """The account whose login is `email` (username = e-mail) or, for older accounts, whose
    e-mail address it is; None when there is none."""
    from .models import User

    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.filter(username__iexact=email).first()
    if user is None:
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
    return user


def sole_admin_organisations(user: Viewer) -> list[Any]:
    """Organisations where `user` is the only admin (they must hand over before leaving)."""
    ids = Membership.objects.filter(user=user, role=Role.ADMIN).values_list("organisation_id", flat=True)
    lonely = (
        Membership.objects.filter(organisation_id__in=list(ids), role=Role.ADMIN)
        .values("organisation_id")
        .annotate(admins=Count("pk"))
        .filter(admins=1)
        .values_list("organisation_id", flat=True)
    )
    # Their own memberships of those organisations carry them (by name, as the directory sorts).
    mine = Membership.objects.filter(user=user, organisation_id__in=list(lonely)).select_related(
        "organisation"
    )
    return [membership.organisation for membership in mine.order_by("organisation__name", "organisation_id")]
