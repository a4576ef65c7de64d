"""Who may run and read a campaign: the access functions (`get_campaign_for_user`, invitations by
user or private token), the regions and clusters a person may create a campaign for."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from filiere.accounts import permissions
from filiere.accounts.permissions import administered_region_codes, is_regional_admin, is_signed_in
from filiere.needs.models import (
    Campaign,
    Horizon,
    Invitation,
    Status,
)
from filiere.organisations.models import Establishment, Kind, Organisation

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer


STAFF_ROLES = permissions.EDITING_ROLES  # who runs a campaign for an organisation


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# Demand is compared with the training places of the coming 12 months: a need within a year
# counts fully; a need "in 2 to 3 years" counts for one year's share of it (1 / 2.5).
HORIZON_WEIGHTS: dict[str, float] = {Horizon.MONTHS_6: 1.0, Horizon.YEAR_1: 1.0, Horizon.YEARS_2_3: 0.4}


def staff_org_ids(user: Viewer) -> set[int]:
    """The organisations `user` edits or administers (needs.services asks it too)."""
    return permissions.organisation_ids_of(user, STAFF_ROLES)


def can_manage_campaign(user: Viewer, campaign: Campaign) -> bool:
    """Platform staff, the region's administrators, and editors/admins of the organisation running
    the campaign or of the cluster whose members it surveys."""
    if not is_signed_in(user):
        return False
    if permissions.is_platform_staff(user) or is_regional_admin(user, campaign.region_id):
        return True
    orgs = staff_org_ids(user)
    return bool({campaign.owner_id, campaign.cluster_id} & orgs - {None})


def can_read_results(user: Viewer, campaign: Campaign) -> bool:
    """Aggregated results: the campaign's managers, and anyone once they are published."""
    if can_manage_campaign(user, campaign):
        return True
    return campaign.results_public and campaign.status != Status.DRAFT


def managed_campaigns(user: Viewer) -> QuerySet[Campaign]:
    """Campaigns `user` manages (see `can_manage_campaign`)."""
    campaigns = Campaign.objects.select_related("region", "department", "epci", "cluster", "owner")
    if not is_signed_in(user):
        return campaigns.none()
    if permissions.is_platform_staff(user):
        return campaigns
    orgs = staff_org_ids(user)
    return campaigns.filter(
        Q(region_id__in=administered_region_codes(user)) | Q(owner_id__in=orgs) | Q(cluster_id__in=orgs)
    )


def campaigns_for_user(user: Viewer) -> QuerySet[Campaign]:
    """Campaigns whose results `user` may read: managed ones and published ones."""
    published = Q(results_public=True) & ~Q(status=Status.DRAFT)
    managed = managed_campaigns(user).values("pk")
    return (
        Campaign.objects.select_related("region", "department", "epci", "cluster", "owner")
        .filter(published | Q(pk__in=managed))
        .distinct()
    )


def get_campaign_for_user(user: Viewer, pk: int | str, *, manage: bool = False) -> Campaign:
    """The campaign `pk` if `user` may read its results (or manage it, with `manage`); else Http404,
    so a campaign of another region is not even revealed."""
    try:
        campaign = Campaign.objects.select_related("region", "department", "epci", "cluster", "owner").get(
            pk=int(pk)
        )
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    allowed = can_manage_campaign(user, campaign) if manage else can_read_results(user, campaign)
    if not allowed:
        raise Http404
    return campaign


def get_invitation_for_user(user: Viewer, pk: int | str) -> Invitation:
    """An invitation (and its answer) for the campaign's managers only; Http404 otherwise."""
    try:
        invitation = Invitation.objects.select_related("campaign__region", "organisation").get(pk=int(pk))
    except (Invitation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_manage_campaign(user, invitation.campaign):
        raise Http404
    return invitation


def get_invitation_by_token(token: str) -> Invitation:
    """The invitation a private link names (no account needed); Http404 for any unknown token."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise Http404
    try:
        return Invitation.objects.select_related("campaign__region", "organisation").get(token=token)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def invitations_of_user(user: Viewer) -> QuerySet[Invitation]:
    """The invitations of the companies `user` belongs to (any role), newest campaign first: a
    signed-in member reaches the survey without looking for the mail."""
    if not is_signed_in(user):
        return Invitation.objects.none()
    orgs = permissions.organisation_ids_of(user)
    return (
        Invitation.objects.filter(organisation_id__in=orgs)
        .exclude(campaign__status=Status.DRAFT)
        .select_related("campaign", "organisation")
        .order_by("-campaign__opens_on", "organisation__name")
    )


def creatable_regions(user: Viewer) -> list[str]:
    """Codes of the regions where `user` may create a campaign: administered regions, and the
    regions where a cluster they run has its head office. Platform staff: all (empty list = all)."""
    if not is_signed_in(user):
        return []

    codes = administered_region_codes(user)
    orgs = staff_org_ids(user)
    if orgs:
        codes |= set(
            Establishment.objects.filter(
                organisation_id__in=orgs, organisation__kind=Kind.CLUSTER, is_head_office=True
            )
            .exclude(region_code="")
            .values_list("region_code", flat=True)
        )
        codes |= set(
            Establishment.objects.filter(organisation_id__in=orgs, organisation__kind=Kind.CLUSTER)
            .exclude(region_code="")
            .values_list("region_code", flat=True)
        )
    return sorted(codes)


def can_create_campaign(user: Viewer) -> bool:
    """Platform staff, regional administrators and cluster staff create campaigns."""
    if not is_signed_in(user):
        return False
    return bool(
        permissions.is_platform_staff(user) or creatable_regions(user) or runnable_clusters(user).exists()
    )


def runnable_clusters(user: Viewer) -> QuerySet:
    """Clusters `user` may run a campaign for: the clusters they are staff of; for regional
    administrators, also every cluster with an establishment in their regions."""

    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    if not is_signed_in(user):
        return clusters.none()
    if permissions.is_platform_staff(user):
        return clusters
    return clusters.filter(
        Q(pk__in=staff_org_ids(user)) | Q(establishments__region_code__in=administered_region_codes(user))
    ).distinct()
