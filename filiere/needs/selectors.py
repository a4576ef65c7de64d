"""Reads of the needs app: access checks, target companies, response rates, results and the gap table.

Views, the API and exports all read through these functions, so the numbers never drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import Membership, Role
from filiere.accounts.permissions import administered_region_codes, is_regional_admin, is_signed_in
from filiere.needs.models import (
    Answer,
    Campaign,
    ContractType,
    Horizon,
    Invitation,
    NeedKind,
    NeedLine,
    Scope,
    Status,
)
from filiere.taxonomy.families import family_choices, family_for, family_label

if TYPE_CHECKING:
    from filiere.accounts.permissions import Viewer

STAFF_ROLES = permissions.EDITING_ROLES  # who runs a campaign for an organisation
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

# Demand is compared with the training places of the coming 12 months: a need within a year
# counts fully; a need "in 2 to 3 years" counts for one year's share of it (1 / 2.5).
HORIZON_WEIGHTS: dict[str, float] = {Horizon.MONTHS_6: 1.0, Horizon.YEAR_1: 1.0, Horizon.YEARS_2_3: 0.4}


# --- Access ------------------------------------------------------------------------------------


def _staff_org_ids(user: Viewer) -> set[int]:
    """The organisations `user` edits or administers (kept by name: needs.services asks it)."""
    return permissions.organisation_ids_of(user, STAFF_ROLES)


def can_manage_campaign(user: Viewer, campaign: Campaign) -> bool:
    """Platform staff, the region's administrators, and editors/admins of the organisation running
    the campaign or of the cluster whose members it surveys."""
    if not is_signed_in(user):
        return False
    if permissions.is_platform_staff(user) or is_regional_admin(user, campaign.region_id):
        return True
    orgs = _staff_org_ids(user)
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
    orgs = _staff_org_ids(user)
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
    from filiere.organisations.models import Establishment, Kind

    codes = administered_region_codes(user)
    orgs = _staff_org_ids(user)
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
    from filiere.organisations.models import Kind, Organisation

    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    if not is_signed_in(user):
        return clusters.none()
    if permissions.is_platform_staff(user):
        return clusters
    return clusters.filter(
        Q(pk__in=_staff_org_ids(user)) | Q(establishments__region_code__in=administered_region_codes(user))
    ).distinct()


# --- Targets -----------------------------------------------------------------------------------


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
    from filiere.organisations.models import Establishment, Kind, Relation, RelationKind, State

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
        from filiere.organisations.models import Organisation

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


# --- Response rates ----------------------------------------------------------------------------

# INSEE headcount bands grouped into the size classes surveys report on.
SIZE_BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0", ("NN", "00")),
    ("1-9", ("01", "02", "03")),
    ("10-49", ("11", "12")),
    ("50-249", ("21", "22", "31")),
    ("250+", ("32", "41", "42", "51", "52", "53")),
)
_BAND_TO_SIZE = {band: code for code, bands in SIZE_BANDS for band in bands}


def size_label(code: str) -> str:
    labels = {
        "0": _("Sans salarié"),
        "1-9": _("1 à 9 salariés"),
        "10-49": _("10 à 49 salariés"),
        "50-249": _("50 à 249 salariés"),
        "250+": _("250 salariés et plus"),
    }
    return labels.get(code, _("Effectif inconnu"))


@dataclass
class Rate:
    key: str
    label: str
    invited: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.invited if self.invited else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.rate)


@dataclass
class ResponseRates:
    overall: Rate
    by_department: list[Rate]
    by_size: list[Rate]
    with_email: int
    reminders: int


def response_rates(campaign: Campaign) -> ResponseRates:
    """Answered / invited, overall, by department and by size band (from the directory snapshot)."""
    from filiere.territories.models import Department

    rows = (
        campaign.invitations.values("department_code", "headcount_band")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    by_dep: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for bucket, key in (
            (by_dep, row["department_code"]),
            (by_size, _BAND_TO_SIZE.get(row["headcount_band"], "")),
        ):
            bucket[key][0] += row["invited"]
            bucket[key][1] += row["answered"]
    names = dict(Department.objects.filter(code__in=list(by_dep)).values_list("code", "name"))
    departments = [
        Rate(code, f"{names.get(code, code)} ({code})" if code else _("Département inconnu"), *counts)
        for code, counts in sorted(by_dep.items(), key=lambda kv: (kv[0] == "", kv[0]))
    ]
    order = [code for code, _b in SIZE_BANDS] + [""]
    sizes = [Rate(code, size_label(code), *by_size[code]) for code in order if code in by_size]
    invited = sum(r.invited for r in departments)
    answered = sum(r.answered for r in departments)
    totals = campaign.invitations.aggregate(
        with_email=Count("pk", filter=~Q(email="")), reminders=Sum("reminder_count")
    )
    return ResponseRates(
        overall=Rate("", _("Ensemble"), invited, answered),
        by_department=departments,
        by_size=sizes,
        with_email=totals["with_email"] or 0,
        reminders=totals["reminders"] or 0,
    )


# --- Results of one campaign -------------------------------------------------------------------


@dataclass
class Ranked:
    label: str
    people: int
    companies: int


@dataclass
class Results:
    campaign: Campaign
    rates: ResponseRates
    answers: int
    people: int
    top_skills: list[Ranked]
    top_occupations: list[Ranked]
    by_horizon: list[tuple[str, str, int]]
    by_family: list[dict[str, Any]]
    by_contract: list[tuple[str, int]]


def campaign_lines(campaign: Campaign) -> QuerySet[NeedLine]:
    return NeedLine.objects.filter(answer__invitation__campaign=campaign)


def _ranked(lines: QuerySet[NeedLine], kind: str, limit: int) -> list[Ranked]:
    rows = (
        lines.filter(kind=kind)
        .values("label")
        .annotate(people=Sum("people"), companies=Count("answer", distinct=True))
        .order_by("-people", "-companies", "label")[:limit]
    )
    return [Ranked(r["label"], r["people"], r["companies"]) for r in rows]


def campaign_results(campaign: Campaign, *, limit: int = 15) -> Results:
    """What a campaign's answers say: top skills and occupations, people by horizon and family,
    contract types, with the response rates."""
    lines = campaign_lines(campaign)
    horizons = dict(lines.values_list("horizon").annotate(n=Sum("people")).order_by())
    families = {
        r["family"]: r
        for r in lines.values("family")
        .annotate(
            people=Sum("people"),
            companies=Count("answer", distinct=True),
            difficulty_sum=Sum("difficulty"),
            n=Count("pk"),
        )
        .order_by()
    }
    by_family = []
    for code, label in family_choices():
        row = families.get(code)
        if row:
            by_family.append(
                {
                    "code": code,
                    "label": label,
                    "people": row["people"],
                    "companies": row["companies"],
                    "difficulty": round(row["difficulty_sum"] / row["n"], 1),
                }
            )
    by_family.sort(key=lambda r: -r["people"])
    contracts: Counter[str] = Counter()
    for types, people in lines.values_list("contract_types", "people"):
        for t in types or []:
            contracts[t] += people
    contract_labels = dict(ContractType.choices)
    return Results(
        campaign=campaign,
        rates=response_rates(campaign),
        answers=Answer.objects.filter(invitation__campaign=campaign).count(),
        people=sum(horizons.values()),
        top_skills=_ranked(lines, NeedKind.SKILL, limit),
        top_occupations=_ranked(lines, NeedKind.OCCUPATION, limit),
        by_horizon=[(code, str(label), horizons.get(code, 0)) for code, label in Horizon.choices],
        by_family=by_family,
        by_contract=[(str(contract_labels.get(k, k)), v) for k, v in contracts.most_common()],
    )


# --- Gap: demand minus supply ------------------------------------------------------------------


def family_supply(*, region_code: str | None) -> dict[tuple[str, str], int]:
    """Training places per (family, department; "" = distance learning), each session counted
    once per family it teaches (a course with three software skills offers its places once)."""
    from filiere.taxonomy.models import Skill
    from filiere.training.selectors import session_supply

    sessions = session_supply(region_code=region_code)
    labels = dict(
        Skill.objects.filter(pk__in={s for _d, _p, ids in sessions for s in ids}).values_list("pk", "label")
    )
    result: dict[tuple[str, str], int] = defaultdict(int)
    for department, places, skill_ids in sessions:
        for family in {family_for(labels.get(skill_id, "")) for skill_id in skill_ids}:
            result[(family, department)] += places
    return dict(result)


@dataclass(frozen=True)
class GapFilters:
    campaign: Campaign
    department: str = ""  # one department of the campaign's region, "" = all
    horizons: tuple[str, ...] = ()  # empty = all


@dataclass
class GapRow:
    family: str
    family_label: str
    department_code: str
    department_name: str
    people: int
    demand: float
    supply: int
    companies: int

    @property
    def gap(self) -> float:
        return round(self.demand - self.supply, 1)


@dataclass
class GapTable:
    filters: GapFilters
    rows: list[GapRow]
    by_department: dict[str, float]  # total gap per department (the map)
    department_names: dict[str, str]
    by_family: list[GapRow] = field(default_factory=list)  # region-wide, distance learning included
    distance_supply: int = 0

    @property
    def total_demand(self) -> float:
        return round(sum(r.demand for r in self.rows), 1)

    @property
    def total_supply(self) -> int:
        return sum(r.supply for r in self.rows) + self.distance_supply


def demand_by_family_and_department(filters: GapFilters) -> dict[tuple[str, str], dict[str, float]]:
    """People needed per (family, department): raw count, horizon-weighted demand, companies."""
    lines = campaign_lines(filters.campaign)
    if filters.department:
        lines = lines.filter(answer__invitation__department_code=filters.department)
    if filters.horizons:
        lines = lines.filter(horizon__in=filters.horizons)
    rows = (
        lines.values("family", "answer__invitation__department_code", "horizon")
        .annotate(people=Sum("people"), companies=Count("answer", distinct=True))
        .order_by()
    )
    result: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: {"people": 0, "demand": 0.0})
    companies: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in rows:
        key = (row["family"], row["answer__invitation__department_code"])
        result[key]["people"] += row["people"]
        result[key]["demand"] += row["people"] * HORIZON_WEIGHTS.get(row["horizon"], 1.0)
    # Distinct companies per (family, department) across horizons.
    for family, department, answer in lines.values_list(
        "family", "answer__invitation__department_code", "answer_id"
    ).distinct():
        companies[(family, department)].add(answer)
    for key, answers in companies.items():
        result[key]["companies"] = len(answers)
    return dict(result)


def gap_table(filters: GapFilters, *, supply: Mapping[tuple[str, str], int] | None = None) -> GapTable:
    """Demand (horizon-weighted people needed) minus supply (training places over 12 months) per
    skill family × department of the campaign's region, largest gap first.

    `supply` (places per (family, department)) replaces the training app's sessions, read by
    default through `family_supply` (each session counted once per family it teaches).
    Distance-learning places (department "") are not placed on a department: they count in the
    region-wide rows per family (`by_family`) only.
    """
    from filiere.territories.models import Department

    campaign = filters.campaign
    departments = dict(Department.objects.filter(region_id=campaign.region_id).values_list("code", "name"))
    families_supply = family_supply(region_code=campaign.region_id) if supply is None else supply
    demand = demand_by_family_and_department(filters)
    keys = set(demand) | {k for k in families_supply if k[1]}
    if filters.department:
        keys = {k for k in keys if k[1] == filters.department}
    labels = dict(family_choices())
    rows = []
    for family, department in keys:
        d = demand.get((family, department), {})
        rows.append(
            GapRow(
                family=family,
                family_label=labels.get(family, family_label(family)),
                department_code=department,
                department_name=departments.get(department, department or _("Département inconnu")),
                people=int(d.get("people", 0)),
                demand=round(float(d.get("demand", 0.0)), 1),
                supply=families_supply.get((family, department), 0),
                companies=int(d.get("companies", 0)),
            )
        )
    rows.sort(key=lambda r: (-r.gap, r.family, r.department_code))
    by_department: dict[str, float] = {code: 0.0 for code in departments}
    if filters.department:
        by_department = {filters.department: 0.0}
    for row in rows:
        if row.department_code in by_department:
            by_department[row.department_code] = round(by_department[row.department_code] + row.gap, 1)
    distance = {f: n for (f, d), n in families_supply.items() if d == ""}
    by_family = []
    for code, label in family_choices():
        family_rows = [r for r in rows if r.family == code]
        extra = 0 if filters.department else distance.get(code, 0)
        if not family_rows and not extra:
            continue
        by_family.append(
            GapRow(
                family=code,
                family_label=label,
                department_code="",
                department_name=_("Ensemble"),
                people=sum(r.people for r in family_rows),
                demand=round(sum(r.demand for r in family_rows), 1),
                supply=sum(r.supply for r in family_rows) + extra,
                companies=sum(r.companies for r in family_rows),
            )
        )
    by_family.sort(key=lambda r: (-r.gap, r.family))
    return GapTable(
        filters=filters,
        rows=rows,
        by_department=by_department,
        department_names=departments,
        by_family=by_family,
        distance_supply=0 if filters.department else sum(distance.values()),
    )


def region_department_codes(region_code: str) -> list[str]:
    """Codes of the departments of a region."""
    from filiere.territories.models import Department

    return list(Department.objects.filter(region_id=region_code).values_list("code", flat=True))
