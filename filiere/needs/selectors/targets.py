"""A campaign's target companies, drawn from the directory (scope, region, NAF, size), and their
editors' contact addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from filiere.accounts.models import Membership, Role
from filiere.needs.models import (
    Campaign,
    Scope,
)

if TYPE_CHECKING:
    pass

from filiere.organisations.models import Establishment, Kind, Organisation, Relation, RelationKind, State

from .access import STAFF_ROLES


@dataclass(frozen=True)
class Target:
    organisation_id: int
    department_code: str
    headcount_band: str


def target_companies(campaign: Campaign, *, today: dt.date | None = None) -> list[Target]:
    """The companies the campaign surveys, one per organisation, from the directory.

    Territory: active company establishments of the region / department / EPCI (digital sector
    only when `digital_only`); an organisation with several establishments there is invited once,
    placed at its head office if it is there, else at its first establishment. Cluster: the
    companies with a current "member of" relation to the cluster, placed at their head office.
    """

    today = today or timezone.localdate()
    establishments = Establishment.objects.filter(kind=Kind.COMPANY, state=State.ACTIVE)
    if campaign.scope == Scope.CLUSTER:
        members = Relation.objects.filter(
            target_id=campaign.cluster_id, kind=RelationKind.MEMBER_OF, source__kind=Kind.COMPANY
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        establishments = establishments.filter(organisation_id__in=members.values("source_id"))
    else:
        establishments = establishments.filter(region_code=campaign.region_id)
        if campaign.scope == Scope.DEPARTMENT:
            establishments = establishments.filter(department_code=campaign.department_id)
        elif campaign.scope == Scope.EPCI:
            establishments = establishments.filter(commune__epci_id=campaign.epci_id)
        if campaign.digital_only:
            establishments = establishments.filter(is_digital=True)
    best: dict[int, tuple[bool, int, str, str]] = {}
    rows = establishments.values_list(
        "organisation_id", "is_head_office", "pk", "department_code", "organisation__headcount_band"
    )
    for org_id, head, pk, department, band in rows.iterator(chunk_size=5000):
        key = (not head, pk)
        current = best.get(org_id)
        if current is None or key < (not current[0], current[1]):
            best[org_id] = (head, pk, department, band or "")
    # Organisations whose establishments are all outside (cluster members with no establishment yet).
    if campaign.scope == Scope.CLUSTER:
        missing = (
            Organisation.objects.filter(
                relations_out__target_id=campaign.cluster_id,
                relations_out__kind=RelationKind.MEMBER_OF,
                kind=Kind.COMPANY,
                state=State.ACTIVE,
            )
            .filter(Q(relations_out__end_date__isnull=True) | Q(relations_out__end_date__gte=today))
            .exclude(pk__in=list(best))
            .values_list("pk", "headcount_band")
        )
        for org_id, band in missing:
            best[org_id] = (False, 0, "", band or "")
    return [Target(org_id, d, b) for org_id, (_h, _pk, d, b) in sorted(best.items())]


def company_emails(organisation_ids: Iterable[int]) -> dict[int, str]:
    """A contact address per organisation: its first admin, else editor, with an e-mail address."""
    emails: dict[int, tuple[int, str]] = {}
    rank = {Role.ADMIN: 0, Role.EDITOR: 1}
    rows = (
        Membership.objects.filter(organisation_id__in=list(organisation_ids), role__in=STAFF_ROLES)
        .exclude(user__email="")
        .values_list("organisation_id", "role", "user__email", "user_id")
        .order_by("organisation_id", "user_id")
    )
    for org_id, role, email, _user in rows:
        key = (rank.get(role, 9), email)
        if org_id not in emails or key[0] < emails[org_id][0]:
            emails[org_id] = key
    return {org: email for org, (_rank, email) in emails.items()}
