"""Workshops: an event of the `events` app linked to a process, and its conclusions recorded as
contributions of the phase."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from filiere.events import selectors as events_selectors

from .. import selectors
from ..models import Contribution, Kind, Meeting, NodeType, Phase, Process
from .base import MAX_BODY, MAX_TITLE, clean_text, require_team


def link_meeting(
    *,
    by: Any,
    process: Process,
    phase: Phase,
    event_id: int,
    node_type: str = NodeType.PLAN,
    node_id: int | None = None,
) -> Meeting:
    """Attach an event of the `events` app (the co-construction day, a workshop) to the process."""
    require_team(by, process)
    event = events_selectors.get_event_for_user(by, event_id)
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("Cette phase n'est pas celle de la consultation.")})
    meeting, _created = Meeting.objects.get_or_create(
        process=process, event=event, defaults={"phase": phase, "node_type": node_type, "node_id": node_id}
    )
    return meeting


@transaction.atomic
def record_conclusion(
    *, by: Any, meeting: Meeting, node_type: str, node_id: int, title: str, body: str
) -> Contribution:
    """A workshop's conclusion becomes a contribution of its phase, answered like the others."""
    process = meeting.process
    require_team(by, process)
    section = selectors.find_section(process, node_type, node_id)
    return Contribution.objects.create(
        process=process,
        phase=meeting.phase,
        participation=None,
        kind=Kind.CONCLUSION,
        node_type=node_type,
        node_id=node_id,
        section_label=f"{section.label} · {section.title}"[:255],
        title=clean_text(title, field="title", limit=MAX_TITLE)
        if title.strip()
        else meeting.event.title[:255],
        body=clean_text(body, field="body", limit=MAX_BODY),
        meeting=meeting,
    )
