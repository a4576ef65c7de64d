"""Reads of consultations shared by the views, the exports and the benchmark.

Access: a published process is public when its plan is readable (roadmaps' rule); an unpublished
one is seen by its team only. The team is whoever edits the plan in roadmaps (platform staff, the
region's administrators); moderators are the team plus the people named on the process.

The plan's tree is read only through `roadmaps.selectors` (`plan_outline`, `get_*_for_user`).

Length (just past 500 lines), on purpose: access rules, sections, contributions and results are
read together by the pages, the exports and the benchmark; no part stands alone.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from filiere.accounts import permissions
from filiere.events import selectors as events_selectors
from filiere.matching.text import norm_words
from filiere.roadmaps import selectors as roadmaps

from .models import (
    ANSWERABLE,
    ActorKind,
    Answer,
    Contribution,
    Kind,
    Meeting,
    Moderation,
    NodeType,
    Participation,
    Phase,
    PlanVersion,
    Process,
    Report,
    VersionChange,
)

# --- Access -------------------------------------------------------------------------------------


def is_team(user: Any, process: Process) -> bool:
    """The region's team: whoever edits the plan in roadmaps."""
    return roadmaps.can_edit_plan(user, process.plan)


def is_moderator(user: Any, process: Process) -> bool:
    if not permissions.is_signed_in(user):
        return False
    return is_team(user, process) or process.moderators.filter(pk=user.pk).exists()


def can_see_process(user: Any, process: Process) -> bool:
    if is_team(user, process):
        return True
    return process.is_published and roadmaps.can_read_plan(user, process.plan)


def plans_open_to_consultation(user: Any) -> QuerySet[Any]:
    """Plans `user` may put to consultation: those they edit as a whole (platform staff, the
    region's administrators), as `services.create_process` requires."""
    plans = roadmaps.plans_edited_by(user)
    return plans.filter(pk__in=[plan.pk for plan in plans if roadmaps.can_edit_plan(user, plan)])


def processes_for_user(user: Any) -> QuerySet[Process]:
    """Published processes on readable plans, plus those of plans the person edits."""
    plans = roadmaps.plans_for_user(user).values("pk")
    edited = roadmaps.plans_edited_by(user).values("pk") if permissions.is_signed_in(user) else []
    return (
        Process.objects.select_related("plan", "plan__region")
        .filter(Q(is_published=True, plan__in=plans) | Q(plan__in=edited))
        .distinct()
    )


def get_process_for_user(user: Any, pk: int | str) -> Process:
    """The process `pk` if `user` may see it; Http404 otherwise."""
    try:
        process = Process.objects.select_related("plan", "plan__region").get(pk=int(pk))
    except (Process.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_see_process(user, process):
        raise Http404
    return process


def get_contribution_for_user(user: Any, pk: int | str) -> Contribution:
    """A contribution of a process `user` sees; a hidden one only for its moderators."""
    try:
        contribution = Contribution.objects.select_related(
            "process", "process__plan", "process__plan__region", "participation", "phase"
        ).get(pk=int(pk))
    except (Contribution.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_see_process(user, contribution.process):
        raise Http404
    if contribution.moderation == Moderation.HIDDEN and not is_moderator(user, contribution.process):
        raise Http404
    return contribution


def participation_of(user: Any, process: Process) -> Participation | None:
    if not permissions.is_signed_in(user):
        return None
    return Participation.objects.filter(process=process, user=user).first()


def participations_of(user: Any) -> QuerySet[Participation]:
    if not permissions.is_signed_in(user):
        return Participation.objects.none()
    return Participation.objects.filter(user=user).select_related("process")


def moderated_by(user: Any) -> list[Process]:
    """Processes where `user` moderates (or is the team)."""
    if not permissions.is_signed_in(user):
        return []
    return [p for p in processes_for_user(user) if is_moderator(user, p)]


# --- Phases -------------------------------------------------------------------------------------


def current_phase(process: Process, today: dt.date | None = None) -> Phase | None:
    today = today or timezone.localdate()
    return process.phases.filter(starts_on__lte=today, ends_on__gte=today).first()


# --- Sections of the plan ------------------------------------------------------------------------


@dataclass
class Section:
    node_type: str
    node_id: int
    label: str  # "Ambition 1", "Objectif 4", "Action"
    title: str
    description: str
    depth: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.node_type, self.node_id)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def text(self, name: str) -> str:
        return self.title if name == "title" else self.description


def plan_sections(plan: Any) -> list[Section]:
    """The plan's tree, flattened in reading order (plan, ambition, objective, action)."""
    rows = [Section(NodeType.PLAN, plan.pk, str(plan.get_kind_display()), plan.title, plan.description, 0)]
    for a_index, (axis, objectives) in enumerate(roadmaps.plan_outline(plan), start=1):
        rows.append(
            Section(
                NodeType.AXIS,
                axis.pk,
                f"{axis.get_kind_display()} {a_index}",
                axis.title,
                axis.description,
                1,
            )
        )
        for item in objectives:
            objective = item.objective
            label = f"{NodeType.OBJECTIVE.label} {item.number}"
            rows.append(
                Section(NodeType.OBJECTIVE, objective.pk, label, objective.title, objective.description, 2)
            )
            rows.extend(
                Section(
                    NodeType.ACTION,
                    action.pk,
                    str(NodeType.ACTION.label),
                    action.title,
                    action.description,
                    3,
                )
                for action in item.actions
            )
    return rows


def sections_with_counts(process: Process) -> list[Section]:
    """The plan's sections with their visible contributions counted by kind, in one query."""
    sections = plan_sections(process.plan)
    counts: dict[tuple[str, int], dict[str, int]] = {}
    rows = (
        Contribution.objects.filter(process=process, moderation=Moderation.VISIBLE)
        .values_list("node_type", "node_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for node_type, node_id, kind, n in rows:
        counts.setdefault((node_type, node_id), {})[kind] = n
    for section in sections:
        section.counts = counts.get(section.key, {})
    return sections


def find_section(process: Process, node_type: str, node_id: int) -> Section:
    for section in plan_sections(process.plan):
        if section.node_type == node_type and section.node_id == node_id:
            return section
    raise Http404


# --- A section's contributions --------------------------------------------------------------------


def section_contributions(
    process: Process, node_type: str, node_id: int, *, show_hidden: bool = False
) -> QuerySet[Contribution]:
    """The section's amendments, proposals and conclusions, most supported first (one indexed query;
    the support count is kept on the row by `services.support`)."""
    rows = Contribution.objects.filter(
        process=process, node_type=node_type, node_id=node_id, kind__in=ANSWERABLE, parent=None
    )
    if not show_hidden:
        rows = rows.filter(moderation=Moderation.VISIBLE)
    return rows.select_related("participation").order_by("-supports_count", "-pk")


def replies_by_parent(contributions: Iterable[Contribution], *, show_hidden: bool = False) -> dict[int, list]:
    """Arguments and comments on these contributions, grouped by the contribution they answer."""
    ids = [c.pk for c in contributions]
    rows = Contribution.objects.filter(parent_id__in=ids).select_related("participation").order_by("pk")
    if not show_hidden:
        rows = rows.filter(moderation=Moderation.VISIBLE)
    grouped: dict[int, list] = {}
    for reply in rows:
        grouped.setdefault(reply.parent_id, []).append(reply)  # type: ignore[arg-type]
    return grouped


def section_comments(process: Process, node_type: str, node_id: int) -> QuerySet[Contribution]:
    """Arguments and comments on the section itself (not on one contribution)."""
    return (
        Contribution.objects.filter(
            process=process,
            node_type=node_type,
            node_id=node_id,
            parent=None,
            moderation=Moderation.VISIBLE,
        )
        .exclude(kind__in=ANSWERABLE)
        .select_related("participation")
        .order_by("pk")
    )


def supported_ids(participation: Participation | None, contributions: Iterable[Contribution]) -> set[int]:
    if participation is None:
        return set()
    ids = [c.pk for c in contributions]
    return set(
        participation.supports.filter(contribution_id__in=ids).values_list("contribution_id", flat=True)
    )


def diff_html(before: str, after: str) -> SafeString:
    """Word-level diff as HTML: removed words in <del>, added words in <ins>, everything escaped."""
    a, b = before.split(), after.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece escaped above


# --- Moderation and answers --------------------------------------------------------------------


def moderation_queue(process: Process) -> QuerySet[Contribution]:
    """Contributions with an open report, then hidden ones (to restore), oldest report first."""
    return (
        Contribution.objects.filter(process=process)
        .filter(Q(reports__resolved_at=None, reports__isnull=False) | Q(moderation=Moderation.HIDDEN))
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at=None)))
        .select_related("participation")
        .distinct()
        .order_by("moderation", "-open_reports", "pk")
    )


def open_reports(contributions: Iterable[Contribution]) -> dict[int, list[Report]]:
    grouped: dict[int, list[Report]] = {}
    for report in Report.objects.filter(contribution__in=list(contributions), resolved_at=None):
        grouped.setdefault(report.contribution_id, []).append(report)
    return grouped


# Near-duplicates: two contributions are alike when the Jaccard overlap of their stems (matching's
# French normalisation: accents folded, feminine forms, Snowball stems, stop words out) reaches
# SIMILARITY. The matching engine ranks documents against a query; it has no pairwise grouping of
# short texts, so this small, explainable measure sits here (docs/consultations.md).
SIMILARITY = 0.5
GROUPING_LIMIT = 2000


def stems(text: str) -> frozenset[str]:
    return frozenset(norm_words(text))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class SimilarGroup:
    section_label: str
    contributions: list[Contribution]


def similar_groups(process: Process, *, threshold: float = SIMILARITY) -> list[SimilarGroup]:
    """Pending amendments and proposals grouped by section, then into near-duplicates (union of
    pairs above `threshold`); a group of one is a contribution with no twin."""
    pending = list(
        Contribution.objects.filter(process=process, kind__in=ANSWERABLE, answer=Answer.PENDING, parent=None)
        .visible()
        .select_related("participation")
        .order_by("node_type", "node_id", "pk")[:GROUPING_LIMIT]
    )
    by_section: dict[tuple[str, int, str], list[Contribution]] = {}
    for c in pending:
        by_section.setdefault((c.node_type, c.node_id, c.kind), []).append(c)
    groups: list[SimilarGroup] = []
    for items in by_section.values():
        words = [stems(f"{c.title} {c.body}") for c in items]
        parent = list(range(len(items)))

        def root(i: int, parent: list[int] = parent) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if jaccard(words[i], words[j]) >= threshold:
                    parent[root(j)] = root(i)
        clusters: dict[int, list[Contribution]] = {}
        for i, c in enumerate(items):
            clusters.setdefault(root(i), []).append(c)
        for members in clusters.values():
            groups.append(SimilarGroup(members[0].section_label, members))
    groups.sort(key=lambda g: (-len(g.contributions), g.contributions[0].pk))
    return groups


# --- Versions and traceability -------------------------------------------------------------------


def snapshot(plan: Any) -> dict[str, Any]:
    """The plan's sections as plain data: {"node_type:id": {label, title, description}}."""
    return {
        f"{s.node_type}:{s.node_id}": {"label": s.label, "title": s.title, "description": s.description}
        for s in plan_sections(plan)
    }


def versions(process: Process) -> QuerySet[PlanVersion]:
    return process.versions.order_by("number")


def get_version(process: Process, number: int) -> PlanVersion:
    version = process.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def version_changes(version: PlanVersion) -> QuerySet[VersionChange]:
    return version.changes.prefetch_related("contributions__participation")


def action_trace(process: Process, action_id: int) -> tuple[list[Contribution], list[VersionChange]]:
    """For an action of the plan: the visible contributions written on it, and every change made to
    it across versions with the contributions behind each."""
    contributions = list(
        Contribution.objects.filter(
            process=process, node_type=NodeType.ACTION, node_id=action_id, parent=None
        )
        .visible()
        .select_related("participation")
        .order_by("-supports_count", "pk")
    )
    # An action created from an accepted proposal carries that proposal.
    changes = list(
        VersionChange.objects.filter(version__process=process, node_type=NodeType.ACTION, node_id=action_id)
        .select_related("version")
        .prefetch_related("contributions__participation")
        .order_by("version__number", "pk")
    )
    return contributions, changes


# --- Meetings -----------------------------------------------------------------------------------


def meetings(process: Process) -> QuerySet[Meeting]:
    return process.meetings.select_related("event", "phase").order_by("event__starts_at")


def get_meeting(process: Process, meeting_id: int) -> Meeting:
    meeting = meetings(process).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_attendance(meeting: Meeting) -> events_selectors.Attendance:
    """Registered, attended and no-show counts, as the events app computes them."""
    return events_selectors.event_attendance(meeting.event)


# --- Results report -----------------------------------------------------------------------------


@dataclass
class Results:
    process: Process
    participants: int
    contributions: int
    supports: int
    by_phase: list[tuple[str, int, int]]  # phase title, contributions, participants
    by_actor: list[tuple[str, int]]
    by_department: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    answers: list[tuple[str, int]]
    top: list[Contribution]
    changes: list[VersionChange]
    hidden: int


def results(process: Process, *, top: int = 10) -> Results:
    """Participation by phase, actor kind and territory, top contributions, answers and changes:
    a handful of grouped queries whatever the number of contributions."""
    visible = Contribution.objects.filter(process=process, moderation=Moderation.VISIBLE)
    phase_rows = {
        row["phase_id"]: row
        for row in visible.values("phase_id")
        .annotate(n=Count("pk"), people=Count("participation_id", distinct=True))
        .order_by()
    }
    by_phase = [
        (p.title, phase_rows.get(p.pk, {}).get("n", 0), phase_rows.get(p.pk, {}).get("people", 0))
        for p in process.phases.all()
    ]
    people = Participation.objects.filter(process=process)
    actor_labels = dict(ActorKind.choices)
    by_actor = [
        (str(actor_labels.get(row["actor_kind"], row["actor_kind"])), row["n"])
        for row in people.values("actor_kind").annotate(n=Count("pk")).order_by("-n", "actor_kind")
    ]
    by_department = [
        (f"{row['department__code']} {row['department__name']}" if row["department__code"] else "—", row["n"])
        for row in people.values("department__code", "department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "department__code")
    ]
    kind_labels = dict(Kind.choices)
    by_kind = [
        (str(kind_labels[row["kind"]]), row["n"])
        for row in visible.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    ]
    answer_labels = dict(Answer.choices)
    answers = Counter(
        dict(visible.filter(kind__in=ANSWERABLE).values_list("answer").annotate(n=Count("pk")).order_by())
    )
    supports = visible.aggregate(total=Sum("supports_count"))["total"] or 0
    return Results(
        process=process,
        participants=people.count(),
        contributions=sum(n for _, n in by_kind),
        supports=supports,
        by_phase=by_phase,
        by_actor=by_actor,
        by_department=by_department,
        by_kind=by_kind,
        answers=[(str(answer_labels[a]), answers.get(a, 0)) for a in Answer.values],
        top=list(
            visible.filter(kind__in=ANSWERABLE)
            .select_related("participation")
            .order_by("-supports_count", "pk")[:top]
        ),
        changes=list(
            VersionChange.objects.filter(version__process=process)
            .select_related("version")
            .prefetch_related("contributions")
            .order_by("version__number", "pk")
        ),
        hidden=Contribution.objects.filter(process=process, moderation=Moderation.HIDDEN).count(),
    )
