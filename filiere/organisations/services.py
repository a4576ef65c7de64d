"""Writes to the directory made by people on the platform (imports live in importers)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from filiere.accounts.permissions import may_edit_organisation

from .models import Organisation
from .search import search_text_for

EDITABLE_FIELDS = ("name", "description", "website", "tags")


def establishment_search_text(organisation: Organisation, establishment: Any) -> str:
    """The folded search text of an establishment from its own and its organisation's fields.

    Non-diffusible units are indexed without names, so a name search cannot reveal them.
    """
    public = organisation.is_diffusible and establishment.is_diffusible
    return search_text_for(
        organisation.name if public else "",
        organisation.acronym if public else "",
        establishment.name if public and establishment.name != organisation.name else "",
        establishment.sign if public else "",
        establishment.city,
        establishment.postcode,
        tags=organisation.tags or (),
    )


@transaction.atomic
def update_organisation(*, user: Any, organisation: Organisation, data: dict[str, Any]) -> list[str]:
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
