"""Writes of the curated region pages: save a draft, submit it, publish it or send it back.

Every service is given the acting user (`by=`) and checks their rights: the region's staff
(`is_regional_admin`) and platform staff edit; a reviewer is one of them other than the person who
submitted the entry (four eyes), or platform staff.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from filiere.organisations.models import Organisation
from filiere.showcase import selectors as showcase
from filiere.showcase import services as showcase_services

from .models import (
    ActionKind,
    Entry,
    EntryKind,
    EntryStatus,
    Lead,
    Prospect,
    ProspectAction,
    ProspectStatus,
)
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


# --- Territorial marketing ------------------------------------------------------------------------


def save_prospect(*, by: Any, region_code: str, prospect: Prospect | None = None, **fields: Any) -> Prospect:
    """Create or update a prospected buyer organisation (the region's staff only)."""
    if not may_edit_region(by, region_code):
        raise PermissionDenied
    country = str(fields.get("country", "")).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError({"country": _("Code pays ISO à deux lettres (FR, DE, CA…).")})
    if not showcase.buyer_sectors().filter(code=fields.get("buyer_sector", "")).exists():
        raise ValidationError({"buyer_sector": _("Choisissez le secteur des acheteurs visés.")})
    if not str(fields.get("name", "")).strip():
        raise ValidationError({"name": _("Le nom de l'organisation ciblée est obligatoire.")})
    prospect = prospect or Prospect(region_id=region_code, owner=by)
    for name, value in {**fields, "country": country}.items():
        setattr(prospect, name, value.strip() if isinstance(value, str) else value)
    prospect.full_clean(exclude=["owner"])
    prospect.save()
    return prospect


def record_action(*, by: Any, prospect: Prospect, kind: str, date: dt.date, note: str = "") -> ProspectAction:
    """Log a fair, a mission, a call… with a prospect; a first action marks it contacted."""
    if not may_edit_region(by, prospect.region_id):
        raise PermissionDenied
    if kind not in ActionKind.values:
        raise ValidationError({"kind": _("Type d'action inconnu.")})
    with transaction.atomic():
        action = ProspectAction.objects.create(
            prospect=prospect, kind=kind, date=date, note=note.strip()[:1000], by=by
        )
        if prospect.status == ProspectStatus.IDENTIFIED:
            prospect.status = ProspectStatus.CONTACTED
        prospect.save(update_fields=["status", "updated_at"])
    return action


def hand_lead(*, by: Any, prospect: Prospect, organisation: Organisation, message: str) -> Lead:
    """Hand the prospect's need to a regional firm with a published showcase: a showcase contact
    request sent by the officer (the firm's editors get the showcase's mail and answer there)."""
    if not may_edit_region(by, prospect.region_id):
        raise PermissionDenied
    if Lead.objects.filter(prospect=prospect, organisation=organisation).exists():
        raise ValidationError(_("Cette piste a déjà été transmise à cette entreprise."))
    with transaction.atomic():
        contact = showcase_services.send_contact_request(
            user=by,
            organisation=organisation,
            subject=_("Piste de prospection : %(name)s (%(country)s)")
            % {"name": prospect.name, "country": prospect.country},
            message=message or prospect.need or prospect.name,
            search_query=f"prospection:{prospect.pk}",
        )
        lead = Lead.objects.create(prospect=prospect, organisation=organisation, contact_id=contact.pk, by=by)
        if prospect.status in (ProspectStatus.IDENTIFIED, ProspectStatus.CONTACTED):
            prospect.status = ProspectStatus.INTERESTED
            prospect.save(update_fields=["status", "updated_at"])
    return lead
