"""A consultation process on a plan (its current content becomes version 1) and its phases, whose
dates never overlap; publishing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from filiere.roadmaps import selectors as roadmaps

from .. import selectors
from ..models import Phase, PlanVersion, Process
from .base import require_team


@transaction.atomic
def create_process(
    *, by: Any, plan: Any, title: str, description: str = "", phases: Iterable[Mapping[str, Any]] = ()
) -> Process:
    """Open a process on `plan` (its current content becomes version 1, the draft)."""
    if not roadmaps.can_edit_plan(by, plan):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Donnez un titre à la consultation.")})
    process = Process.objects.create(plan=plan, title=title.strip()[:255], description=description)
    for position, fields in enumerate(phases, start=1):
        add_phase(by=by, process=process, position=position, **fields)
    PlanVersion.objects.create(
        process=process,
        number=1,
        note=_("Projet soumis à la consultation"),
        snapshot=selectors.snapshot(plan),
        created_by=by,
    )
    return process


def add_phase(
    *,
    by: Any,
    process: Process,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    position: int = 0,
    description: str = "",
    may_amend: bool = False,
    may_propose: bool = False,
    may_argue: bool = False,
    may_support: bool = False,
) -> Phase:
    """Add a phase; its dates must not overlap another phase's (one current phase at a time)."""
    require_team(by, process)
    phase = Phase(
        process=process,
        kind=kind,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        position=position or process.phases.count() + 1,
        may_amend=may_amend,
        may_propose=may_propose,
        may_argue=may_argue,
        may_support=may_support,
    )
    phase.full_clean(exclude=["process"])
    overlap = process.phases.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if overlap:
        raise ValidationError(
            {"starts_on": _("Ces dates chevauchent la phase « %(title)s ».") % {"title": overlap.title}}
        )
    phase.save()
    return phase


def set_published(*, by: Any, process: Process, published: bool) -> Process:
    require_team(by, process)
    process.is_published = published
    process.save(update_fields=["is_published", "updated_at"])
    return process
