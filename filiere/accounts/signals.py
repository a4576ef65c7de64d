"""Remember the language a person uses the site in, so their mails are written in it; forget the
roles kept for the current request when one is written (`permissions.facts_kept_for_request`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership, RegionalRole
from .permissions import forget_facts

if TYPE_CHECKING:
    from .permissions import User


@receiver(user_logged_in, dispatch_uid="accounts.remember_language")
def remember_language(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    language = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    if language in dict(settings.LANGUAGES) and getattr(user, "language", language) != language:
        user.language = language
        user.save(update_fields=["language"])


@receiver(post_save, sender=Membership, dispatch_uid="accounts.forget_facts_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.forget_facts_membership_deleted")
@receiver(post_save, sender=RegionalRole, dispatch_uid="accounts.forget_facts_regional_role_saved")
@receiver(post_delete, sender=RegionalRole, dispatch_uid="accounts.forget_facts_regional_role_deleted")
def forget_kept_roles(sender: Any, **kwargs: Any) -> None:
    """A request that changes someone's roles reads them again after the change."""
    forget_facts()
