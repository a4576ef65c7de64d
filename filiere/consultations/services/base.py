"""What the writes share: the team's and moderators' rights checks, and the length limits and
cleaning of what a participant types (a French message naming the field)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from filiere.matching.text import UserTextError, clean_user_text

from .. import selectors
from ..models import Process

MAX_BODY = 5000
MAX_TITLE = 255


def require_team(by: Any, process: Process) -> None:
    if not selectors.is_team(by, process):
        raise PermissionDenied


def require_moderator(by: Any, process: Process) -> None:
    if not selectors.is_moderator(by, process):
        raise PermissionDenied


def clean_text(text: str, *, field: str, limit: int) -> str:
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("Texte trop long : %(n)s caractères, %(max)s au plus.")
                % {"n": len(text), "max": limit}
            }
        )
    try:
        cleaned = clean_user_text(text, max_chars=limit)
    except UserTextError as error:
        raise ValidationError({field: error.message}) from error
    return " ".join(cleaned.split(" ")).strip()
