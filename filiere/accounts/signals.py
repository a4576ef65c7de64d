"""Remember the language a person uses the site in, so their mails are written in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

if TYPE_CHECKING:
    from .permissions import User


@receiver(user_logged_in, dispatch_uid="accounts.remember_language")
def remember_language(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    language = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    if language in dict(settings.LANGUAGES) and getattr(user, "language", language) != language:
        user.language = language
        user.save(update_fields=["language"])
