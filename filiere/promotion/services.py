"""Writes of the curated region pages: save a draft, submit it, publish it or send it back.

Every service is given the acting user (`by=`) and checks their rights: the region's staff
(`is_regional_admin`) and platform staff edit; a reviewer is one of them other than the person who
submitted the entry (four eyes), or platform staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from filiere.organisations.models import Organisation

from .models import Entry, EntryKind, EntryStatus
from .selectors import may_edit_region, may_review_entry


def _log(entry: Entry, action: str, by: Any, note: str = "") -> None:
    entry.history = [
        *entry.history,
        {"at": timezone.now().isoformat(), "action": action, "by": getattr(by, "pk", None), "note": note},
    ]


def _unique_slug(*, region_code: str, kind: str, title: str, exclude: int | None) -> str:
    base = slugify(title)[:70] or kind
    slug, n = base, 2
    others = Entry.objects.filter(region_id=region_code, kind=kind)
    if exclude:
        others = others.exclude(pk=exclude)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_entry(
    *,
    by: Any,
    region_code: str,
    kind: str,
    title_fr: str,
    entry: Entry | None = None,
    organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> Entry:
    """Create or update the working copy of an entry; its published version stays online.

    A published entry that is edited goes back to draft and needs a new review."""
    if not may_edit_region(by, region_code):
        raise PermissionDenied
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Type de contenu inconnu.")})
    if not title_fr.strip():
        raise ValidationError({"title_fr": _("Le titre en français est obligatoire.")})
    if kind == EntryKind.PITCH and not fields.get("buyer_sector"):
        raise ValidationError({"buyer_sector": _("Choisissez le secteur des acheteurs visés.")})
    with transaction.atomic():
        creating = entry is None
        if entry is None:
            entry = Entry(region_id=region_code, kind=kind)
        entry.title_fr = title_fr.strip()
        for name, value in fields.items():
            setattr(entry, name, value)
        if creating or not entry.slug:
            entry.slug = _unique_slug(
                region_code=region_code, kind=kind, title=entry.title_fr, exclude=entry.pk
            )
        entry.status = EntryStatus.DRAFT
        entry.edited_by = by
        _log(entry, "created" if creating else "edited", by)
        entry.full_clean(exclude=["organisations", "published", "history"])
        entry.save()
        entry.organisations.set(list(organisations))
    return entry


def submit_entry(*, entry: Entry, by: Any) -> Entry:
    """Ask for a review: the entry waits in the region's review list."""
    if not may_edit_region(by, entry.region_id):
        raise PermissionDenied
    if entry.status != EntryStatus.DRAFT:
        raise ValidationError(_("Seul un brouillon peut être soumis à relecture."))
    with transaction.atomic():
        entry.status = EntryStatus.IN_REVIEW
        entry.submitted_by = by
        entry.review_note = ""
        _log(entry, "submitted", by)
        entry.save(update_fields=["status", "submitted_by", "review_note", "history", "updated_at"])
    return entry


def publish_entry(*, entry: Entry, by: Any) -> Entry:
    """Publish the reviewed working copy: it replaces the version the public pages show."""
    if not may_review_entry(by, entry):
        raise PermissionDenied
    if entry.status != EntryStatus.IN_REVIEW:
        raise ValidationError(_("Seul un contenu soumis à relecture peut être publié."))
    with transaction.atomic():
        entry.published = entry.working_copy()
        entry.published_at = timezone.now()
        entry.status = EntryStatus.PUBLISHED
        _log(entry, "published", by)
        entry.save(update_fields=["published", "published_at", "status", "history", "updated_at"])
    return entry


def return_entry(*, entry: Entry, by: Any, note: str) -> Entry:
    """Send the entry back to its author as a draft, with the reviewer's remark."""
    if not may_review_entry(by, entry):
        raise PermissionDenied
    if entry.status != EntryStatus.IN_REVIEW:
        raise ValidationError(_("Seul un contenu soumis à relecture peut être renvoyé."))
    if not note.strip():
        raise ValidationError({"note": _("Dites à l'auteur ce qu'il faut reprendre.")})
    with transaction.atomic():
        entry.status = EntryStatus.DRAFT
        entry.review_note = note.strip()[:500]
        _log(entry, "returned", by, entry.review_note)
        entry.save(update_fields=["status", "review_note", "history", "updated_at"])
    return entry


def unpublish_entry(*, entry: Entry, by: Any) -> Entry:
    """Take the entry off the public pages (its working copy is kept as a draft)."""
    if not may_edit_region(by, entry.region_id):
        raise PermissionDenied
    with transaction.atomic():
        entry.published = {}
        entry.published_at = None
        entry.status = EntryStatus.DRAFT
        _log(entry, "unpublished", by)
        entry.save(update_fields=["published", "published_at", "status", "history", "updated_at"])
    return entry
