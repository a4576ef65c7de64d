"""Membership administration: the access functions of the members page (an organisation's
admins, regional and platform staff; `may_administer_organisation`), its lists, who decides a
join request, and the organisations of a regional administrator's regions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Prefetch, QuerySet, When
from django.http import Http404

from filiere.accounts.models import Invitation, JoinRequest, JoinStatus, Membership, Role, User
from filiere.accounts.permissions import administered_region_codes, is_platform_staff

from ..models import Establishment, Organisation
from ..permissions import may_administer_organisation, organisation_region_codes

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


def _first(queryset: QuerySet, pk: Any) -> Any | None:
    """The row `pk` of `queryset`, or None (also for ids no database column can hold)."""
    try:
        return queryset.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError):
        return None


def get_administered_organisation(user: Viewer, organisation_id: int) -> Any:
    """The organisation `organisation_id` if `user` may administer it (invite, change roles);
    Http404 otherwise."""
    organisation = _first(Organisation.objects.all(), organisation_id)
    if organisation is None or not may_administer_organisation(user, organisation):
        raise Http404
    return organisation


def get_membership_for_admin(user: Viewer, membership_id: int) -> Membership:
    """A membership of an organisation `user` administers (Http404 otherwise)."""
    membership = _first(Membership.objects.select_related("user", "organisation"), membership_id)
    if membership is None or not may_administer_organisation(user, membership.organisation):
        raise Http404
    return membership


def get_invitation_for_admin(user: Viewer, invitation_id: int) -> Invitation:
    """An invitation to an organisation `user` administers (Http404 otherwise)."""
    invitation = _first(Invitation.objects.select_related("organisation"), invitation_id)
    if invitation is None or not may_administer_organisation(user, invitation.organisation):
        raise Http404
    return invitation


def get_join_request_for_admin(user: Viewer, join_request_id: int) -> JoinRequest:
    """A join request to an organisation `user` administers (Http404 otherwise)."""
    join_request = _first(JoinRequest.objects.select_related("user", "organisation"), join_request_id)
    if join_request is None or not may_administer_organisation(user, join_request.organisation):
        raise Http404
    return join_request


def organisation_members(organisation: Any) -> QuerySet[Membership]:
    """The organisation's memberships, admins first, then by name."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .annotate(admin_first=Case(When(role=Role.ADMIN, then=0), default=1))
        .order_by("admin_first", "user__last_name", "user__first_name", "user__email")
    )


def admin_count(organisation: Any) -> int:
    """How many admins the organisation has."""
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


def pending_invitations(organisation: Any) -> QuerySet[Invitation]:
    """Invitations of the organisation still waiting for an answer (not expired)."""
    return Invitation.objects.filter(organisation=organisation).pending().select_related("invited_by")


def pending_join_requests(organisation: Any) -> QuerySet[JoinRequest]:
    """Join requests to the organisation waiting for a decision, oldest first."""
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def join_request_recipients(organisation: Any) -> list[Any]:
    """Who decides a join request: the organisation's admins; when it has none, the regional
    staff of the regions where it has an establishment."""

    admins = list(
        User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.ADMIN, is_active=True
        ).exclude(email="")
    )
    if admins:
        return admins
    regions = organisation_region_codes(organisation)
    return list(
        User.objects.filter(regional_roles__region_id__in=regions, is_active=True)
        .exclude(email="")
        .distinct()
    )


def region_organisations(user: Viewer, *, q: str = "") -> QuerySet:
    """Organisations with an establishment in a region `user` administers (every region for
    platform staff), with their admins prefetched; `q` filters on the name."""
    regions = administered_region_codes(user)
    if not regions and not is_platform_staff(user):
        return Organisation.objects.none()
    organisations = Organisation.objects.all()
    if regions:
        organisations = organisations.filter(pk__in=_organisation_ids_in_regions(regions))
    if q:
        organisations = organisations.filter(name__icontains=q)
    admins = Membership.objects.filter(role=Role.ADMIN).select_related("user").order_by("user__email")
    return organisations.prefetch_related(
        Prefetch("memberships", queryset=admins, to_attr="admin_memberships")
    ).order_by("name")


def _organisation_ids_in_regions(regions: set[str]) -> QuerySet:
    return Establishment.objects.filter(region_code__in=regions).values("organisation_id")
