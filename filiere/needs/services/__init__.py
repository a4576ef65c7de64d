"""Writes of the needs app: campaigns, invitations and mails, reminders, answers.

Every service checks its preconditions and raises `ValidationError` (French message) or
`PermissionDenied`; writes that touch several rows run in one transaction, so nothing is ever
half-saved.

One module per seam, every name importable from `filiere.needs.services`: `campaigns`, `mailing`
(invitations and reminders), `answers`, and `base` (shared checks).
"""

from __future__ import annotations

from .answers import (
    MAX_LINES,
    NeedInput,
    Resolved,
    Suggestion,
    closed_message,
    mark_opened,
    resolve_choice,
    save_answer,
    suggest,
)
from .base import max_reminders, survey_url
from .campaigns import (
    PrepareReport,
    close_campaign,
    close_due_campaigns,
    create_campaign,
    import_contacts,
    open_campaign,
    prepare_invitations,
    update_campaign,
)
from .mailing import MAIL_BATCH, logger, reminder_candidates, send_invitations, send_reminders

__all__ = [
    "MAIL_BATCH",
    "MAX_LINES",
    "NeedInput",
    "PrepareReport",
    "Resolved",
    "Suggestion",
    "close_campaign",
    "close_due_campaigns",
    "closed_message",
    "create_campaign",
    "import_contacts",
    "logger",
    "mark_opened",
    "max_reminders",
    "open_campaign",
    "prepare_invitations",
    "reminder_candidates",
    "resolve_choice",
    "save_answer",
    "send_invitations",
    "send_reminders",
    "suggest",
    "survey_url",
    "update_campaign",
]
