"""Writes of the showcase: profiles, declarations and their validation, contact requests, alerts.

Every write that changes what a profile's search document contains ends with
`refresh_profile`, which recomputes the profile's denormalised search columns and reindexes it
in the matching engine. Rights are checked here (PermissionDenied), not only in the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts.models import Membership
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Establishment, Organisation
from filiere.taxonomy.models import Skill

from . import facets
from .capacity import check_declared_people
from .indexing import reindex_organisations
from .models import (
    Certification,
    CompetenceDeclaration,
    ContactRequest,
    ContactStatus,
    DeclarationStatus,
    Frequency,
    Reference,
    SavedSearch,
    Sector,
    ShowcaseProfile,
)
from .selectors import ShowcaseFilters, all_matching_ids, can_edit_showcase, is_target_side

if TYPE_CHECKING:
    from filiere.accounts.permissions import User

# status -> the statuses the target firm may move a request to.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ContactStatus.SENT: (ContactStatus.READ, ContactStatus.ANSWERED, ContactStatus.DECLINED),
    ContactStatus.READ: (ContactStatus.ANSWERED, ContactStatus.DECLINED),
    ContactStatus.ANSWERED: (ContactStatus.DEAL_SIGNED, ContactStatus.DECLINED),
    ContactStatus.DECLINED: (),
    ContactStatus.DEAL_SIGNED: (),
}
STATUS_TIMESTAMP = {
    ContactStatus.READ: "read_at",
    ContactStatus.ANSWERED: "answered_at",
    ContactStatus.DECLINED: "declined_at",
    ContactStatus.DEAL_SIGNED: "deal_signed_at",
}
ALERT_PERIOD = {Frequency.DAILY: dt.timedelta(days=1), Frequency.WEEKLY: dt.timedelta(days=7)}
MAX_ALERT_FIRMS = 20
# The search columns `refresh_profiles` recomputes.
REFRESHED_FIELDS = [
    "region_code", "department_code", "headcount_band", "capacity_now", "available_from",
    "validated_count", "updated_at",
]  # fmt: skip


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Profiles -----------------------------------------------------------------------------------


def refresh_profile(organisation_id: int, *, reindex: bool = True) -> ShowcaseProfile | None:
    """Recompute a profile's search columns (territory, size, capacity, availability) and reindex it."""
    refreshed = refresh_profiles([organisation_id], reindex=reindex)
    return refreshed[0] if refreshed else None


def refresh_profiles(organisation_ids: Iterable[int], *, reindex: bool = True) -> list[ShowcaseProfile]:
    """`refresh_profile` for many firms in a few queries (the demo's 100 firms): the refreshed
    profiles, in the order of `organisation_ids`; an id without a profile is skipped."""
    ids = list(dict.fromkeys(organisation_ids))
    if not ids:
        return []
    found = ShowcaseProfile.objects.filter(pk__in=ids).select_related("organisation").in_bulk()
    profiles = [found[pk] for pk in ids if pk in found]
    if not profiles:
        return []
    ids = [p.pk for p in profiles]
    places: dict[int, tuple[str, str]] = {}
    for organisation_id, region_code, department_code in (
        Establishment.objects.filter(organisation_id__in=ids)
        .order_by("organisation_id", "-is_head_office", "pk")
        .values_list("organisation_id", "region_code", "department_code")
    ):
        places.setdefault(organisation_id, (region_code, department_code))  # the head office, else the first
    totals = {
        row["organisation_id"]: row
        for row in CompetenceDeclaration.objects.filter(organisation_id__in=ids)
        .exclude(status=DeclarationStatus.REJECTED)
        .values("organisation_id")
        .annotate(
            # People free now: the largest single-competence figure, as one engineer has several skills.
            capacity=Max("capacity_available_now"),
            first=Min("available_from"),
            validated=Count("pk", filter=Q(status=DeclarationStatus.VALIDATED)),
        )
        .order_by()
    }
    now = timezone.now()
    for profile in profiles:
        region_code, department_code = places.get(profile.pk, ("", ""))
        total = totals.get(profile.pk, {})
        profile.region_code, profile.department_code = region_code, department_code
        profile.headcount_band = profile.organisation.headcount_band
        profile.capacity_now = total.get("capacity") or 0
        profile.available_from = total.get("first")
        profile.validated_count = total.get("validated", 0)
        profile.updated_at = now  # what save() would set (auto_now); bulk_update does not
    ShowcaseProfile.objects.bulk_update(profiles, fields=REFRESHED_FIELDS, batch_size=500)
    facets.touch()  # what the post_save signal does for one save (showcase.apps)
    if reindex:
        # Same database as the engine's index: a rolled-back edit rolls its reindexing back too.
        reindex_organisations(ids)
    return profiles


@transaction.atomic
def update_profile(
    *,
    user: User,
    organisation: Organisation,
    pitch: str | None = None,
    sector_codes: Iterable[str] | None = None,
    is_published: bool | None = None,
) -> ShowcaseProfile:
    """Create or update a firm's showcase (pitch, target sectors, publication) and reindex it."""
    _require(can_edit_showcase(user, organisation), _("Vous ne pouvez pas modifier cette vitrine."))
    profile, _created = ShowcaseProfile.objects.get_or_create(organisation=organisation)
    if pitch is not None:
        profile.pitch = pitch.strip()
    if is_published is not None:
        if is_published and not profile.is_published:
            profile.published_at = timezone.now()
        profile.is_published = is_published
    profile.save()
    if sector_codes is not None:
        profile.target_sectors.set(Sector.objects.filter(code__in=list(sector_codes)))
    return refresh_profile(organisation.pk) or profile


@transaction.atomic
def declare_competence(
    *,
    user: User,
    organisation: Organisation,
    skill: Skill,
    level: str = "operational",
    people_count: int = 1,
    capacity_available_now: int = 0,
    available_from: dt.date | None = None,
    note: str = "",
) -> CompetenceDeclaration:
    """Declare (or update) one competence of a firm. A firm's change sends it back to validation.

    Platform staff editing a declaration keep its status. Raises PermissionDenied without rights
    and ValidationError on inconsistent numbers.
    """
    _require(
        can_edit_showcase(user, organisation),
        _("Vous ne pouvez pas déclarer de compétences pour cette entreprise."),
    )
    check_declared_people(
        band=organisation.headcount_band,
        people_count=people_count,
        capacity_available_now=capacity_available_now,
    )
    ShowcaseProfile.objects.get_or_create(organisation=organisation)
    declaration, created = CompetenceDeclaration.objects.get_or_create(
        organisation=organisation, skill=skill, defaults={"level": level}
    )
    declaration.level = level
    declaration.people_count = people_count
    declaration.capacity_available_now = capacity_available_now
    declaration.available_from = available_from
    declaration.note = note.strip()
    if not permissions.is_platform_staff(user):
        declaration.status = DeclarationStatus.DRAFT
        declaration.validated_by = None
        declaration.validated_at = None
        declaration.validated_for = None
    declaration.save()
    refresh_profile(organisation.pk)
    return declaration


@transaction.atomic
def remove_declaration(*, user: User, declaration: CompetenceDeclaration) -> None:
    """Delete a declared competence (the firm's editors or staff)."""
    _require(
        can_edit_showcase(user, declaration.organisation_id), _("Vous ne pouvez pas modifier cette vitrine.")
    )
    organisation_id = declaration.organisation_id
    declaration.delete()
    refresh_profile(organisation_id)


@transaction.atomic
def validate_declaration(
    *,
    user: User,
    declaration: CompetenceDeclaration,
    approve: bool = True,
    cluster: Organisation | None = None,
) -> CompetenceDeclaration:
    """Validate or reject a declared competence in the name of `cluster`: the staff of a cluster
    the firm is a member of (platform staff for any firm). Without `cluster`, the first such
    cluster by name; a platform staff decision on a firm in no cluster names no cluster."""
    organisation_id = declaration.organisation_id
    _require(
        organisation_permissions.may_validate_organisation(user, organisation_id),
        _("Seules les équipes des clusters dont l'entreprise est membre valident ses compétences."),
    )
    clusters = organisation_permissions.validating_clusters(user, organisation_id).order_by("name", "pk")
    if cluster is not None:
        _require(
            clusters.filter(pk=cluster.pk).exists(),
            _("Vous ne validez pas au nom de ce cluster pour cette entreprise."),
        )
    else:
        cluster = clusters.first()
    declaration.status = DeclarationStatus.VALIDATED if approve else DeclarationStatus.REJECTED
    declaration.validated_by = user
    declaration.validated_at = timezone.now()
    declaration.validated_for = cluster
    declaration.save(update_fields=["status", "validated_by", "validated_at", "validated_for", "updated_at"])
    refresh_profile(declaration.organisation_id)
    return declaration


@transaction.atomic
def add_reference(
    *,
    user: User,
    organisation: Organisation,
    client: str,
    year: int | None = None,
    sector: Sector | None = None,
    description: str = "",
) -> Reference:
    """Add a client reference to a firm's showcase."""
    _require(can_edit_showcase(user, organisation), _("Vous ne pouvez pas modifier cette vitrine."))
    ShowcaseProfile.objects.get_or_create(organisation=organisation)
    reference = Reference.objects.create(
        organisation=organisation,
        client=client.strip(),
        year=year,
        sector=sector,
        description=description.strip(),
    )
    refresh_profile(organisation.pk)
    return reference


@transaction.atomic
def remove_reference(*, user: User, reference: Reference) -> None:
    """Delete a client reference."""
    _require(
        can_edit_showcase(user, reference.organisation_id), _("Vous ne pouvez pas modifier cette vitrine.")
    )
    organisation_id = reference.organisation_id
    reference.delete()
    refresh_profile(organisation_id)


def add_certification(
    *, user: User, organisation: Organisation, name: str, issuer: str = "", year: int | None = None
) -> Certification:
    """Add a certification or label to a firm's showcase (not part of the search text)."""
    _require(can_edit_showcase(user, organisation), _("Vous ne pouvez pas modifier cette vitrine."))
    ShowcaseProfile.objects.get_or_create(organisation=organisation)
    return Certification.objects.create(
        organisation=organisation, name=name.strip(), issuer=issuer.strip(), year=year
    )


# --- Contact requests ---------------------------------------------------------------------------


def _firm_emails(organisation_id: int) -> dict[str, list[str]]:
    """The firm's editors' addresses grouped by the language they read (French unless they chose)."""
    by_language: dict[str, set[str]] = {}
    for email, language in (
        Membership.objects.filter(organisation_id=organisation_id, role__in=permissions.EDITING_ROLES)
        .exclude(user__email="")
        .values_list("user__email", "user__language")
    ):
        by_language.setdefault(language or settings.LANGUAGE_CODE, set()).add(email)
    return {language: sorted(emails) for language, emails in sorted(by_language.items())}


def _log(contact: ContactRequest, status: str, user: User, at: dt.datetime) -> None:
    contact.history = [*contact.history, {"status": status, "at": at.isoformat(), "by": user.pk}]


@transaction.atomic
def send_contact_request(
    *,
    user: User,
    organisation: Organisation,
    subject: str,
    message: str,
    buyer_organisation: Organisation | None = None,
    search_query: str = "",
) -> ContactRequest:
    """A signed-in buyer writes to a published firm; its editors get an email."""
    _require(permissions.is_signed_in(user), _("Connectez-vous pour contacter une entreprise."))
    if not ShowcaseProfile.objects.filter(pk=organisation.pk, is_published=True).exists():
        raise ValidationError(_("Cette entreprise n'a pas de vitrine publiée."))
    if buyer_organisation is not None and buyer_organisation.pk not in permissions.organisation_ids_of(user):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise ValidationError(_("L'objet et le message sont obligatoires."))
    now = timezone.now()
    contact = ContactRequest(
        buyer=user,
        buyer_organisation=buyer_organisation,
        organisation=organisation,
        subject=subject[:200],
        message=message[:5000],
        search_query=search_query[:500],
        sent_at=now,
    )
    _log(contact, ContactStatus.SENT, user, now)
    contact.save()
    context = {
        "subject": contact.subject,
        "message": contact.message,
        "buyer": user.get_full_name() or user.username,
        "inbox_url": absolute_url(reverse("showcase:inbox")),
    }
    for language, recipients in _firm_emails(organisation.pk).items():
        # Sent by the task worker once the request is saved; the buyer can be answered directly.
        send_templated_mail(
            "showcase/mail/contact_request",
            to=recipients,
            context=context,
            language=language,
            reply_to=[user.email] if user.email else [],
        )
    return contact


@transaction.atomic
def set_contact_status(
    *, user: User, contact: ContactRequest, status: str, answer: str = "", deal_amount: Decimal | None = None
) -> ContactRequest:
    """Move a contact request to its next step (the target firm's editors only).

    Each step's timestamp is set once; skipped steps stay empty (a firm may answer without
    marking the request read). Raises PermissionDenied for the wrong side, ValidationError for
    a step that does not follow.
    """
    _require(
        is_target_side(user, contact), _("Seule l'entreprise contactée peut changer l'état de cette demande.")
    )
    if status not in ALLOWED_TRANSITIONS.get(contact.status, ()):
        raise ValidationError(_("Cette étape ne peut pas suivre l'état actuel de la demande."))
    if deal_amount is not None and deal_amount < 0:
        raise ValidationError(_("Le montant doit être positif."))
    now = timezone.now()
    contact.status = status
    setattr(contact, STATUS_TIMESTAMP[status], now)
    if answer.strip():
        contact.answer = answer.strip()[:5000]
    if status == ContactStatus.DEAL_SIGNED:
        contact.deal_amount = deal_amount
    _log(contact, status, user, now)
    contact.save()
    if status in (ContactStatus.ANSWERED, ContactStatus.DECLINED) and contact.buyer.email:
        send_templated_mail(
            "showcase/mail/contact_status",
            to=[contact.buyer.email],
            context={
                "subject": contact.subject,
                # Lazy: rendered in the buyer's language.
                "status": ContactStatus(status).label,
                "answer": contact.answer,
                "firm": contact.organisation.name,
                "requests_url": absolute_url(reverse("showcase:requests")),
            },
            language=contact.buyer.language or None,
        )
    return contact


FOLLOWUP_AFTER = dt.timedelta(days=30)


def send_contact_followups(*, now: dt.datetime | None = None) -> int:
    """Ask, once, the firms that answered a request a month ago whether a deal was signed.

    Like le marché de l'inclusion's follow-up survey ("avez-vous signé, pour combien ?"); the
    firm records the outcome from its inbox (deal signed with its amount, or declined). Returns
    the number of requests followed up.
    """
    now = now or timezone.now()
    due = ContactRequest.objects.filter(
        status=ContactStatus.ANSWERED, answered_at__lte=now - FOLLOWUP_AFTER, followup_sent_at__isnull=True
    ).select_related("organisation")
    count = 0
    for contact in due:
        for language, recipients in _firm_emails(contact.organisation_id).items():
            send_templated_mail(
                "showcase/mail/contact_followup",
                to=recipients,
                context={
                    "subject": contact.subject,
                    "requests_url": absolute_url(reverse("showcase:requests")),
                },
                language=language,
            )
        contact.followup_sent_at = now
        contact.save(update_fields=["followup_sent_at", "updated_at"])
        count += 1
    return count


# --- Saved searches and alerts ------------------------------------------------------------------


def save_search(
    *, user: User, filters: ShowcaseFilters, name: str = "", frequency: str = Frequency.WEEKLY
) -> SavedSearch:
    """Keep a buyer's search; the firms it matches today are marked seen (alerts are for new ones)."""
    _require(permissions.is_signed_in(user), _("Connectez-vous pour enregistrer une recherche."))
    if frequency not in Frequency.values:
        raise ValidationError(_("Fréquence inconnue."))
    return SavedSearch.objects.create(
        user=user,
        name=(name or filters.q or _("Ma recherche")).strip()[:200],
        query=filters.q.strip()[:500],
        filters=filters.as_json(),
        frequency=frequency,
        last_run_at=timezone.now(),
        last_seen_ids=all_matching_ids(filters),
    )


def run_saved_search_alerts(*, now: dt.datetime | None = None, force: bool = False) -> int:
    """Run the saved searches that are due and mail their owners the firms they had not seen.

    A search is due once its frequency's period has passed since its last run (every search
    with `force`). Each new firm is announced once: it joins `last_seen_ids`. Returns the number
    of emails sent.
    """
    now = now or timezone.now()
    sent = 0
    for saved in SavedSearch.objects.select_related("user").order_by("pk"):
        period = ALERT_PERIOD.get(saved.frequency, ALERT_PERIOD[Frequency.WEEKLY])
        if not force and saved.last_run_at and saved.last_run_at + period > now:
            continue
        filters = ShowcaseFilters.from_params({**saved.filters, "q": saved.query})
        current = all_matching_ids(filters)
        seen = set(saved.last_seen_ids or [])
        new_ids = [pk for pk in current if pk not in seen]
        if new_ids and saved.user.email:
            names = dict(
                Organisation.objects.filter(pk__in=new_ids[:MAX_ALERT_FIRMS]).values_list("pk", "name")
            )
            firms = [
                {"name": names[pk], "url": absolute_url(reverse("showcase:profile", args=[pk]))}
                for pk in new_ids[:MAX_ALERT_FIRMS]
                if pk in names
            ]
            send_templated_mail(
                "showcase/mail/saved_search_alert",
                to=[saved.user.email],
                context={
                    "count": len(new_ids),
                    "name": saved.name,
                    "firms": firms,
                    "searches_url": absolute_url(reverse("showcase:saved_searches")),
                },
                language=saved.user.language or None,
            )
            sent += 1
        saved.last_seen_ids = sorted(seen | set(current))
        saved.last_run_at = now
        saved.save(update_fields=["last_seen_ids", "last_run_at", "updated_at"])
    return sent
