"""Writes of consultations: processes and phases, participation, contributions, supports, reports,
moderation, answers, new versions of the plan and workshop conclusions.

Every function is keyword-only, checks the rights of `by` and raises `ValidationError` with a
French message naming the field when it refuses; nothing is written on refusal. The plan itself
is changed only through `roadmaps.services` (the same rules and activity log as a manual edit).

One module per seam, every name importable from `filiere.consultations.services`: `processes`
(a process and its phases), `participation` (joining, erasure), `contributions` (amendments,
proposals, arguments, supports), `moderation` (reports, moderation, the team's answers),
`versions` (accepted contributions written into the plan as a new version), `meetings`
(workshops linked to a process and their conclusions); `base` holds the rights checks and text
limits they share."""

from __future__ import annotations

from .base import MAX_BODY, MAX_TITLE
from .contributions import MAX_PER_HOUR, PERMISSION_OF_KIND, contribute, support, withdraw_support
from .meetings import link_meeting, record_conclusion
from .moderation import answer, moderate, report
from .participation import erase_participation, join
from .processes import add_phase, create_process, set_published
from .versions import publish_version

__all__ = [
    "add_phase",
    "answer",
    "contribute",
    "create_process",
    "erase_participation",
    "join",
    "link_meeting",
    "MAX_BODY",
    "MAX_PER_HOUR",
    "MAX_TITLE",
    "moderate",
    "PERMISSION_OF_KIND",
    "publish_version",
    "record_conclusion",
    "report",
    "set_published",
    "support",
    "withdraw_support",
]
