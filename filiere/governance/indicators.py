"""Governance figures for roadmap indicators (`core.indicators`): the LR merger's "one regional
cluster" and the region's subsidies to it (seed 003)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from filiere.core.indicators import Computation

from . import selectors
from .models import FundingLine, Membership


def regional_cluster_members(region_code: str) -> Decimal:
    """Active members of the region's clusters (a firm in two clusters counted once)."""
    clusters = selectors.regional_cluster_ids(region_code)
    firms = Membership.objects.active().filter(cluster_id__in=clusters, organisation__isnull=False)
    people = Membership.objects.active().filter(cluster_id__in=clusters, organisation__isnull=True)
    return Decimal(firms.values("organisation_id").distinct().count() + people.count())


def share_of_subsidies_paid(region_code: str) -> Decimal:
    """Paid over granted, in percent, for the funding lines of the region's clusters."""
    clusters = selectors.regional_cluster_ids(region_code)
    granted = paid = Decimal(0)
    for line in (
        FundingLine.objects.filter(cluster_id__in=clusters).exclude(status="refused").only("granted", "paid")
    ):
        granted += line.granted
        paid += line.paid
    return (paid * 100 / granted).quantize(Decimal("0.1")) if granted else Decimal(0)


COMPUTATIONS = [
    Computation(
        "governance_regional_cluster_members",
        _("Membres des clusters régionaux"),
        _("membres"),
        regional_cluster_members,
    ),
    Computation(
        "governance_share_of_subsidies_paid",
        _("Part des subventions accordées aux clusters effectivement versée"),
        "%",
        share_of_subsidies_paid,
    ),
]
