"""Reads and access functions of the buyers' needs (docs/meetings.md, "Buyers' needs").

Who sees a need:
- its buyer organisation's people (any role), platform staff and the regional staff of the need's
  region, always (a draft too);
- the people of a firm on the need's path (invited, broadcast to, or interested), once published;
- any signed-in person, when it is published (or closed) and not confidential.
Anyone else: 404. The buyer's editors and admins manage it (invite, compare, shortlist, select,
close, follow-up); the others who see it get 403 there. A firm's editors and admins answer or
decline for it; its other members read.

Proposals come from the matching engine through the showcase's buyer search
(`showcase.selectors.search_showcase`), the same ranking and explanations a buyer gets there;
for a call for partners, training bodies teaching the need's skills in the region are added
(`training.selectors.courses_covering`). No ranking of our own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations import selectors as organisation_selectors
from filiere.organisations.models import Kind, Organisation
from filiere.showcase import selectors as showcase_selectors
from filiere.training import selectors as training_selectors

from .models import BuyerNeed, NeedInvitation, NeedKind, NeedStatus, PathStatus

PROPOSALS = 20  # firms proposed on the proposals page
BROADCAST_MAX = 50
FOLLOW_UP_AFTER_DAYS = 30  # the follow-up is asked this long after the deadline
REMIND_AFTER_DAYS = 7  # a firm that has not answered is reminded this long after its notification…
REMIND_BEFORE_DAYS = 3  # … or this long before the deadline, whichever comes first

# Who may be on a need's path: firms; for a call for partners also schools, training bodies, labs.
FIRM_KINDS = (Kind.COMPANY,)
PARTNER_KINDS = (Kind.COMPANY, Kind.SCHOOL, Kind.TRAINING_BODY, Kind.LAB)


def allowed_kinds(need: BuyerNeed) -> tuple[str, ...]:
    return PARTNER_KINDS if need.kind == NeedKind.PARTNERS else FIRM_KINDS


# --- Rights -----------------------------------------------------------------------------------


def is_buyer(user: Any, need: BuyerNeed) -> bool:
    """The buyer organisation's editors and admins: they manage the need."""
    return permissions.has_role(user, need.organisation_id, permissions.EDITING_ROLES)


def is_staff_for(user: Any, need: BuyerNeed) -> bool:
    """Platform staff, and the regional staff of the need's region (read and figures)."""
    return permissions.is_platform_staff(user) or permissions.is_regional_admin(user, need.region_id)


def may_see_path(user: Any, need: BuyerNeed) -> bool:
    """The firms' paths and the need's figures: the buyer organisation's people and staff."""
    return need.organisation_id in permissions.organisation_ids_of(user) or is_staff_for(user, need)


def firm_invitation(user: Any, need: BuyerNeed) -> NeedInvitation | None:
    """The path of one of `user`'s organisations on `need`, if any."""
    ids = permissions.organisation_ids_of(user)
    if not ids:
        return None
    return (
        NeedInvitation.objects.select_related("organisation")
        .filter(need=need, organisation_id__in=ids)
        .order_by("pk")
        .first()
    )


def may_see_need(user: Any, need: BuyerNeed) -> bool:
    if not permissions.is_signed_in(user):
        return False
    if need.organisation_id in permissions.organisation_ids_of(user) or is_staff_for(user, need):
        return True
    if need.status == NeedStatus.DRAFT:
        return False
    if not need.confidential:
        return True
    return firm_invitation(user, need) is not None


def get_need_for_user(user: Any, pk: int, *, manage: bool = False) -> BuyerNeed:
    """A need for `user`: 404 when hidden, 403 when `manage` and they are not the buyer."""
    need = (
        BuyerNeed.objects.select_related("organisation", "region", "department", "created_by")
        .filter(pk=pk)
        .first()
    )
    if need is None or not may_see_need(user, need):
        raise Http404
    if manage and not is_buyer(user, need):
        raise PermissionDenied
    return need


def may_answer_for(user: Any, invitation: NeedInvitation) -> bool:
    """The firm's editors and admins answer or decline."""
    return permissions.has_role(user, invitation.organisation_id, permissions.EDITING_ROLES)


def get_invitation_for_user(
    user: Any, pk: int, *, answer: bool = False, buyer: bool = False
) -> NeedInvitation:
    """A firm's path, for the firm's people, the need's buyer side and staff; 404 for others.

    `answer`: the firm's editors and admins only (403 for the others who see it); `buyer`: the
    buyer's editors and admins only (403)."""
    invitation = (
        NeedInvitation.objects.select_related(
            "need__organisation", "need__region", "need__created_by", "organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not permissions.is_signed_in(user):
        raise Http404
    need = invitation.need
    own_firm = invitation.organisation_id in permissions.organisation_ids_of(user)
    buyer_side = need.organisation_id in permissions.organisation_ids_of(user)
    if not (own_firm or buyer_side or is_staff_for(user, need)):
        raise Http404
    if own_firm and need.status == NeedStatus.DRAFT:
        raise Http404
    if answer and not (own_firm and may_answer_for(user, invitation)):
        raise PermissionDenied
    if buyer and not is_buyer(user, need):
        raise PermissionDenied
    return invitation


def buyer_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may post a need for (editor or admin)."""
    ids = permissions.organisation_ids_of(user, permissions.EDITING_ROLES)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def firms_of(user: Any, need: BuyerNeed) -> list[Organisation]:
    """`user`'s organisations that may express interest in a public need: edited by them, of a
    kind the need takes, with an establishment in the need's region, not the buyer."""
    return [
        o
        for o in buyer_organisations(user)
        .filter(kind__in=allowed_kinds(need))
        .exclude(pk=need.organisation_id)
        if need.region_id in organisation_permissions.organisation_region_codes(o)
    ]


# --- Lists --------------------------------------------------------------------------------------


def needs_of_buyer(user: Any) -> QuerySet[BuyerNeed]:
    """Needs of the organisations `user` belongs to ("Mes besoins"), with their counts."""
    ids = permissions.organisation_ids_of(user)
    return (
        BuyerNeed.objects.filter(organisation_id__in=ids)
        .select_related("organisation", "region")
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .order_by("-created_at")
    )


def invitations_received(user: Any) -> QuerySet[NeedInvitation]:
    """The paths of `user`'s organisations on published or closed needs ("Besoins reçus")."""
    ids = permissions.organisation_ids_of(user)
    return (
        NeedInvitation.objects.filter(organisation_id__in=ids)
        .exclude(need__status=NeedStatus.DRAFT)
        .select_related("need__organisation", "organisation")
        .order_by("-need__deadline", "-pk")
    )


def waiting_count(user: Any) -> int:
    """Needs still open where one of `user`'s firms was notified and has not opened them yet."""
    ids = permissions.organisation_ids_of(user)
    if not ids:
        return 0
    return NeedInvitation.objects.filter(
        organisation_id__in=ids,
        status=PathStatus.NOTIFIED,
        need__status=NeedStatus.PUBLISHED,
        need__deadline__gte=timezone.localdate(),
    ).count()


def open_public_needs(user: Any) -> list[BuyerNeed]:
    """Published, not confidential needs still open in the regions of `user`'s organisations,
    where none of them is on the path yet: a firm may express interest."""
    ids = permissions.organisation_ids_of(user)
    if not ids:
        return []
    regions: set[str] = set()
    for pk in ids:
        regions |= organisation_permissions.organisation_region_codes(pk)
    return list(
        BuyerNeed.objects.filter(
            status=NeedStatus.PUBLISHED,
            confidential=False,
            region_id__in=regions,
            deadline__gte=timezone.localdate(),
        )
        .exclude(organisation_id__in=ids)
        .exclude(invitations__organisation_id__in=ids)
        .select_related("organisation", "region")
        .order_by("deadline")[:100]
    )


def need_invitations(need: BuyerNeed) -> QuerySet[NeedInvitation]:
    """A need's paths, the most advanced first (selected, shortlisted, answered…)."""
    order = [
        PathStatus.SELECTED,
        PathStatus.SHORTLISTED,
        PathStatus.ANSWERED,
        PathStatus.OPENED,
        PathStatus.INTERESTED,
        PathStatus.NOTIFIED,
        PathStatus.DECLINED,
    ]
    rank = Case(*[When(status=s, then=Value(i)) for i, s in enumerate(order)], output_field=IntegerField())
    return (
        NeedInvitation.objects.filter(need=need)
        .select_related("organisation")
        .defer("attachment")
        .annotate(rank=rank)
        .order_by("rank", "amount", "organisation__name")
    )


# --- Proposals (the matching engine) --------------------------------------------------------


@dataclass
class Proposal:
    organisation_id: int
    name: str
    kind: str
    kind_label: str
    reasons: str
    invited: bool = False
    pitch: str = ""
    matched_skills: list[str] = field(default_factory=list)


@dataclass
class Proposals:
    firms: list[Proposal] = field(default_factory=list)
    partners: list[Proposal] = field(default_factory=list)  # schools, training bodies, labs
    error: str = ""

    @property
    def all(self) -> list[Proposal]:
        return self.firms + self.partners


def need_query(need: BuyerNeed) -> str:
    """The text the engine reads: title, themes, then the description."""
    return "\n".join(part for part in (need.title, need.themes, need.description) if part)


def proposals(need: BuyerNeed, *, limit: int = PROPOSALS) -> Proposals:
    """Organisations of the need's region the engine proposes, each with its reasons.

    Firms (and, for a call for partners, schools and labs with a showcase) come ranked from the
    showcase's buyer search; for a call for partners, training bodies whose courses teach the
    need's skills in the region follow, with the courses as their reason."""
    result = Proposals()
    kinds = allowed_kinds(need)
    filters = showcase_selectors.ShowcaseFilters(q=need_query(need), region=need.region_id)
    search = showcase_selectors.search_showcase(filters, per_page=showcase_selectors.SEARCH_LIMIT)
    if search.error:
        result.error = search.error
        return result
    invited = set(NeedInvitation.objects.filter(need=need).values_list("organisation_id", flat=True))
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=search.ids).only("kind", "name")}
    for row in search.rows:
        organisation = found.get(row.organisation_id)
        if organisation is None or organisation.pk == need.organisation_id or organisation.kind not in kinds:
            continue
        proposal = Proposal(
            organisation_id=row.organisation_id,
            name=row.name,
            kind=organisation.kind,
            kind_label=str(organisation.get_kind_display()),
            reasons=row.explanation,
            invited=row.organisation_id in invited,
            pitch=row.pitch,
            matched_skills=row.matched_skills,
        )
        (result.firms if organisation.kind == Kind.COMPANY else result.partners).append(proposal)
    result.firms = result.firms[:limit]
    if need.kind == NeedKind.PARTNERS:
        _add_training_bodies(need, result, invited, limit)
    return result


def _add_training_bodies(need: BuyerNeed, result: Proposals, invited: set[int], limit: int) -> None:
    skill_ids = list(need.skills.values_list("pk", flat=True))
    labels = dict(need.skills.values_list("pk", "label"))
    seen = {p.organisation_id for p in result.partners}
    for match in training_selectors.courses_covering(skill_ids, region_code=need.region_id, limit=limit):
        organisation = match.course.organisation
        if organisation.pk in seen or organisation.pk == need.organisation_id:
            continue
        seen.add(organisation.pk)
        taught = ", ".join(labels[s] for s in match.covered_skill_ids if s in labels)
        result.partners.append(
            Proposal(
                organisation_id=organisation.pk,
                name=organisation.name,
                kind=organisation.kind,
                kind_label=str(organisation.get_kind_display()),
                reasons=_("forme à : %(skills)s (« %(course)s »)")
                % {"skills": taught, "course": match.course.title},
                invited=organisation.pk in invited,
            )
        )
    result.partners = result.partners[:limit]


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedFigures:
    invited: int
    opened: int
    answered: int
    declined: int
    shortlisted: int
    selected: int
    answer_rate: float  # answered / on the path
    mean_amount: int | None


def need_figures(need: BuyerNeed) -> NeedFigures:
    rows = list(
        NeedInvitation.objects.filter(need=need).values_list("status", "opened_at", "answered_at", "amount")
    )
    answered = [r for r in rows if r[2] is not None]
    amounts = [r[3] for r in answered if r[3] is not None]
    return NeedFigures(
        invited=len(rows),
        opened=sum(1 for r in rows if r[1] is not None),
        answered=len(answered),
        declined=sum(1 for r in rows if r[0] == PathStatus.DECLINED),
        shortlisted=sum(1 for r in rows if r[0] in (PathStatus.SHORTLISTED, PathStatus.SELECTED)),
        selected=sum(1 for r in rows if r[0] == PathStatus.SELECTED),
        answer_rate=round(len(answered) / len(rows), 3) if rows else 0.0,
        mean_amount=round(sum(amounts) / len(amounts)) if amounts else None,
    )


def may_see_figures(user: Any) -> bool:
    return permissions.is_platform_staff(user) or permissions.is_regional_admin(user)


def staff_needs(user: Any) -> QuerySet[BuyerNeed]:
    """The needs whose figures `user` reads: all for platform staff, their regions' for regional staff."""
    if permissions.is_platform_staff(user):
        return BuyerNeed.objects.all()
    return BuyerNeed.objects.filter(region_id__in=permissions.administered_region_codes(user))


def needs_with_counts(needs: QuerySet[BuyerNeed]) -> QuerySet[BuyerNeed]:
    """Published or closed needs, newest first, each with its paths counted in one query
    (`invited`, `answered`, `selected`), for the staff's table."""
    return (
        needs.exclude(status=NeedStatus.DRAFT)
        .select_related("organisation", "region")
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
            selected=Count("invitations", filter=Q(invitations__status=PathStatus.SELECTED)),
        )
        .order_by("-published_at", "-pk")
    )


@dataclass(frozen=True)
class StaffFigures:
    posted: int  # published at some point
    by_kind: list[tuple[str, int]]
    answers_per_need: float
    follow_up_asked: int
    followed_up: int
    follow_up_share: float  # answered follow-ups / asked
    started: int
    started_amount: int


def staff_figures(needs: QuerySet[BuyerNeed]) -> StaffFigures:
    posted = needs.exclude(status=NeedStatus.DRAFT)
    count = posted.count()
    answers = NeedInvitation.objects.filter(need__in=posted, answered_at__isnull=False).count()
    kinds = dict(posted.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    asked = posted.filter(follow_up_asked_at__isnull=False).count()
    followed = posted.filter(followed_up_at__isnull=False).count()
    started = posted.filter(project_started=True)
    return StaffFigures(
        posted=count,
        by_kind=[(str(label), kinds.get(value, 0)) for value, label in NeedKind.choices],
        answers_per_need=round(answers / count, 1) if count else 0.0,
        follow_up_asked=asked,
        followed_up=followed,
        follow_up_share=round(followed / asked, 3) if asked else 0.0,
        started=started.count(),
        started_amount=started.aggregate(total=Sum("project_amount"))["total"] or 0,
    )


def needs_due_for_follow_up(today: dt.date) -> QuerySet[BuyerNeed]:
    """Published or closed needs whose deadline is `FOLLOW_UP_AFTER_DAYS` past, not asked yet."""
    return BuyerNeed.objects.filter(
        status__in=[NeedStatus.PUBLISHED, NeedStatus.CLOSED],
        deadline__lte=today - dt.timedelta(days=FOLLOW_UP_AFTER_DAYS),
        follow_up_asked_at__isnull=True,
        followed_up_at__isnull=True,
    ).select_related("created_by", "organisation")


def invitations_due_for_reminder(now: dt.datetime) -> QuerySet[NeedInvitation]:
    """Paths of published needs still open whose firm has neither answered nor declined nor been
    reminded, notified `REMIND_AFTER_DAYS` days ago or with the deadline `REMIND_BEFORE_DAYS` days
    away, whichever comes first; never once the deadline is past."""
    today = timezone.localdate(now)
    notified_before = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=REMIND_AFTER_DAYS - 1), dt.time.min)
    )
    return NeedInvitation.objects.filter(
        Q(notified_at__lt=notified_before)
        | Q(need__deadline__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS)),
        need__status=NeedStatus.PUBLISHED,
        need__deadline__gte=today,
        status__in=[PathStatus.NOTIFIED, PathStatus.OPENED],
        notified_at__isnull=False,
        answered_at__isnull=True,
        declined_at__isnull=True,
        reminded_at__isnull=True,
    ).select_related("need__organisation", "organisation")


def firm_recipients_by_language(organisation_id: int) -> dict[str, list[str]]:
    """Addresses of a firm's editors and admins (all its members when it has none), grouped by each
    person's language (French when unknown)."""
    members = list(organisation_selectors.organisation_members(organisation_id))
    editors = [m for m in members if m.role in permissions.EDITING_ROLES]
    grouped: dict[str, list[str]] = {}
    for m in editors or members:
        if m.user.email and m.user.is_active:
            language = (m.user.language or "")[:2]
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE[:2]
            grouped.setdefault(language, []).append(m.user.email)
    return grouped
