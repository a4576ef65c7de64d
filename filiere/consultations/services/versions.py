"""New versions of the plan: accepted amendments and proposals written through
`roadmaps.services`, the plan snapshotted, every change recorded with the contributions behind it
(or the team's reason)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from filiere.roadmaps import selectors as roadmaps
from filiere.roadmaps import services as roadmaps_services

from .. import selectors
from ..models import Answer, Contribution, Kind, NodeType, PlanVersion, Process, VersionChange
from .base import require_team


def _node(by: Any, node_type: str, node_id: int) -> Any:
    getter = {
        NodeType.PLAN: roadmaps.get_plan_for_user,
        NodeType.AXIS: roadmaps.get_axis_for_user,
        NodeType.OBJECTIVE: roadmaps.get_objective_for_user,
        NodeType.ACTION: roadmaps.get_action_for_user,
    }[NodeType(node_type)]
    return getter(by, node_id)


def _apply(by: Any, contribution: Contribution) -> tuple[str, int]:
    """Write one accepted amendment or proposal into the plan; the section it changed."""
    node = _node(by, contribution.node_type, contribution.node_id)
    if contribution.kind == Kind.PROPOSAL:
        action = roadmaps_services.create_action(
            user=by, objective=node, title=contribution.title, fields={"description": contribution.body}
        )
        return NodeType.ACTION, action.pk
    fields = {contribution.field: contribution.body}
    update = {
        NodeType.PLAN: lambda: roadmaps_services.update_plan(user=by, plan=node, fields=fields),
        NodeType.AXIS: lambda: roadmaps_services.update_axis(user=by, axis=node, fields=fields),
        NodeType.OBJECTIVE: lambda: roadmaps_services.update_objective(
            user=by, objective=node, fields=fields
        ),
        NodeType.ACTION: lambda: roadmaps_services.update_action(user=by, action=node, fields=fields),
    }[NodeType(contribution.node_type)]
    update()
    return contribution.node_type, contribution.node_id


@transaction.atomic
def publish_version(*, by: Any, process: Process, note: str = "", reason: str = "") -> PlanVersion:
    """Write the accepted amendments and proposals not yet applied into the plan, snapshot it as the
    next version, and record every change since the previous version with the contributions behind
    it. A change no contribution explains (the team edited the plan in roadmaps, or accepted an
    amendment in part) needs the team's `reason`; without one nothing is written."""
    require_team(by, process)
    accepted = list(
        Contribution.objects.filter(
            process=process, kind__in=(Kind.AMENDMENT, Kind.PROPOSAL), answer=Answer.ACCEPTED, applied_in=None
        )
        .visible()
        .order_by("answered_at", "pk")
    )
    sources: dict[tuple[str, int, str], list[Contribution]] = {}
    try:
        for contribution in accepted:
            node_type, node_id = _apply(by, contribution)
            if contribution.kind == Kind.PROPOSAL:
                for name in ("title", "description"):
                    sources.setdefault((node_type, node_id, name), []).append(contribution)
            else:
                sources.setdefault((node_type, node_id, contribution.field), []).append(contribution)
    except ValidationError as error:
        raise ValidationError(
            _("Contribution n° %(pk)s : %(error)s")
            % {"pk": contribution.pk, "error": " ".join(error.messages)}
        ) from error
    # Amendments answered "partly" explain changes the team made by hand on the same field.
    for c in Contribution.objects.filter(
        process=process, kind=Kind.AMENDMENT, answer=Answer.PARTLY, applied_in=None
    ):
        sources.setdefault((c.node_type, c.node_id, c.field), []).append(c)
    previous = process.versions.order_by("-number").first()
    before = previous.snapshot if previous else {}
    after = selectors.snapshot(process.plan)
    changed = _diff_snapshots(before, after)
    if not changed:
        raise ValidationError(_("Rien n'a changé depuis la version précédente."))
    unexplained = [c for c in changed if not sources.get((c[0], c[1], c[3]))]
    if unexplained and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "%(n)s modification(s) ne viennent d'aucune contribution retenue : donnez-en la raison."
                )
                % {"n": len(unexplained)}
            }
        )
    version = PlanVersion.objects.create(
        process=process,
        number=(previous.number + 1) if previous else 1,
        note=note[:500],
        snapshot=after,
        created_by=by,
    )
    for node_type, node_id, label, name, old, new in changed:
        behind = sources.get((node_type, node_id, name), [])
        change = VersionChange.objects.create(
            version=version,
            node_type=node_type,
            node_id=node_id,
            section_label=label[:255],
            field=name,
            before=old,
            after=new,
            reason="" if behind else reason.strip(),
        )
        change.contributions.set(behind)
    Contribution.objects.filter(pk__in=[c.pk for cs in sources.values() for c in cs]).update(
        applied_in=version
    )
    return version


def _diff_snapshots(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, int, str, str, str, str]]:
    rows = []
    for key, now in after.items():
        node_type, node_id = key.split(":")
        then = before.get(key, {"title": "", "description": ""})
        label = f"{now['label']} · {now['title']}"
        for name in ("title", "description"):
            if then.get(name, "") != now[name]:
                rows.append((node_type, int(node_id), label, name, then.get(name, ""), now[name]))
    for key, then in before.items():
        if key not in after:
            node_type, node_id = key.split(":")
            label = f"{then['label']} · {then['title']}"
            rows.append((node_type, int(node_id), label, "title", then["title"], ""))
    return rows
