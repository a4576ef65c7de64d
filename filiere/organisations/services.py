"""Writes to the directory made by people on the platform (imports live in importers)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import College, Establishment, Kind, Organisation, Relation, RelationKind, Source
from .permissions import may_edit_organisation
from .search import establishment_search_text, search_text_for

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

# The search text every writer of an establishment stores (other apps' demos write firms).
__all__ = [
    "ensure_member_organisation",
    "establishment_search_text",
    "search_text_for",
    "set_member_relation",
    "update_organisation",
]

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


def set_member_relation(
    *,
    member: Organisation,
    cluster: Organisation,
    college: College | None,
    active: bool,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> None:
    """Keep the directory's "member of" relation in step with a membership (governance): present,
    in its college, while the membership is active; removed when it ends."""
    if not active:
        Relation.objects.filter(source=member, target=cluster, kind=RelationKind.MEMBER_OF).delete()
        return
    Relation.objects.update_or_create(
        source=member,
        target=cluster,
        kind=RelationKind.MEMBER_OF,
        defaults={"college": college, "start_date": start_date, "end_date": end_date},
    )


def ensure_member_organisation(
    *, siren: str, name: str, address: str = "", postcode: str = "", city: str = ""
) -> Organisation:
    """The directory's organisation for a member found in an association's file: by SIREN when
    known; else a new company record (source "manual") with its one establishment, so members
    never live outside the directory."""
    if siren:
        found = Organisation.objects.filter(siren=siren).first()
        if found is not None:
            return found
    organisation = Organisation.objects.create(
        kind=Kind.COMPANY, name=name[:255], siren=siren or None, source=Source.MANUAL
    )
    establishment = Establishment(
        organisation=organisation, is_head_office=True, address=address[:255], postcode=postcode[:10],
        city=city[:100], department_code=postcode[:2] if postcode[:2].isdigit() else "",
    )  # fmt: skip
    establishment.search_text = establishment_search_text(organisation, establishment)
    establishment.save()
    return organisation
