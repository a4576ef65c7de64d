"""What the needs services share: the precondition check (`require_permission`), the reminders allowed and the
survey's private address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from filiere.core.mail import absolute_url
from filiere.needs.models import (
    Invitation,
)

if TYPE_CHECKING:
    pass


def require_permission(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def max_reminders() -> int:
    return int(getattr(settings, "NEEDS_MAX_REMINDERS", 3))


def survey_url(invitation: Invitation) -> str:
    """The invitation's private survey link, absolute (mails, exports)."""
    return absolute_url(reverse("needs:survey", args=[invitation.token]))
