"""Writes to the directory made by people on the platform (imports live in importers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Organisation
from .permissions import may_edit_organisation
from .search import establishment_search_text, search_text_for

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

# The search text every writer of an establishment stores (other apps' demos write firms).
__all__ = ["establishment_search_text", "search_text_for", "update_organisation"]

EDITABLE_FIELDS = ("name", "description", "website", "tags")


@transaction.atomic
def update_organisation(*, user: User, organisation: Organisation, data: dict[str, Any]) -> list[str]:
    """Apply a person's edit of an organisation's public profile and return the changed fields.

    Only EDITABLE_FIELDS are taken from `data`. Changed field names are added to
    `edited_fields`, so the SIRENE importer never overwrites a human edit. The establishments'
    search text is rebuilt when the name or tags change. Raises PermissionDenied without rights.
    """
    if not may_edit_organisation(user, organisation):
        raise PermissionDenied("Vous ne pouvez pas modifier cette organisation.")
    changed: list[str] = []
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "tags":
            value = [str(t).strip() for t in (value or []) if str(t).strip()]
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if not changed:
        return []
    organisation.edited_fields = sorted(set(organisation.edited_fields or []) | set(changed))
    organisation.save(update_fields=[*changed, "edited_fields", "updated_at"])
    if {"name", "tags"} & set(changed):
        for establishment in organisation.establishments.all():
            establishment.search_text = establishment_search_text(organisation, establishment)
            establishment.save(update_fields=["search_text", "updated_at"])
    return changed
