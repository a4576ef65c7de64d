"""Writes of the events app: events, registrations and the waitlist, check-in, feed tokens.

Every change to who holds a seat runs in one transaction that first locks the event's row
(`select_for_update` on PostgreSQL; on SQLite every transaction begins IMMEDIATE, so writers
queue on the database lock): seats are counted and the arrival `sequence` numbered under that
lock, so concurrent registrations never oversell and the waitlist is exactly first come, first
served. Mail is queued on commit (`core.mail`), in the recipient's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from filiere.accounts import permissions
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations import permissions as organisation_permissions
from filiere.organisations.models import Establishment, Organisation

from . import selectors
from .ics import event_ics
from .models import ACTIVE_STATUSES, SEAT_STATUSES, CalendarFeed, Event, Registration, RegistrationStatus
from .tickets import read_code

# Reminders go to confirmed people once, in the day before the event (the hourly task).
REMINDER_HOURS = 24
EVENT_FIELDS = (
    "title", "kind", "description", "starts_at", "ends_at", "commune", "venue", "online_url", "capacity",
    "audience", "themes", "offer_hours", "is_published",
)  # fmt: skip


class ServiceError(Exception):
    """A refused action, with a message for the person (shown as a form error)."""


# --- Events --------------------------------------------------------------------------------


def place_codes(organiser: Organisation, commune: Any) -> tuple[str, str]:
    """(region, department) of the commune, else of the organiser's head office."""
    if commune is not None:
        return commune.region_id, commune.department_id
    establishment = (
        Establishment.objects.filter(organisation=organiser).exclude(region_code="")
        .order_by("-is_head_office", "pk").first()
    )  # fmt: skip
    return (establishment.region_code, establishment.department_code) if establishment else ("", "")


def _check_fields(fields: dict[str, Any], *, event: Event | None = None) -> None:
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends < starts:
        raise ServiceError(_("La fin de l'événement précède son début."))
    if not (fields.get("commune") or fields.get("venue") or fields.get("online_url")):
        raise ServiceError(_("Indiquez un lieu (commune ou salle) ou un lien en ligne."))
    capacity = fields.get("capacity")
    if event is not None and capacity is not None:
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if capacity < confirmed:
            raise ServiceError(
                _("La capacité ne peut pas descendre sous les %(n)d places déjà confirmées.")
                % {"n": confirmed}
            )


def create_event(
    *, by: Any, organiser: Organisation, partners: Sequence[Organisation] = (), **fields: Any
) -> Event:
    """Create an event of `organiser` (whoever may edit that organisation)."""
    if not organisation_permissions.may_edit_organisation(by, organiser):
        raise ServiceError(_("Vous ne pouvez pas organiser d'événement pour cette organisation."))
    fields = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    _check_fields(fields)
    region, department = place_codes(organiser, fields.get("commune"))
    with transaction.atomic():
        event = Event.objects.create(
            organiser=organiser, region_code=region, department_code=department, **fields
        )
        event.partners.set([p for p in partners if p.pk != organiser.pk])
    return event


def update_event(
    *, by: Any, event: Event, partners: list[Organisation] | None = None, **fields: Any
) -> Event:
    """Change an event; a larger capacity offers the freed seats to the waitlist."""
    if not selectors.may_edit_event(by, event):
        raise ServiceError(_("Vous ne pouvez pas modifier cet événement."))
    fields = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    with transaction.atomic():
        event = _lock(event.pk)
        merged = {f: getattr(event, f) for f in EVENT_FIELDS} | fields
        _check_fields(merged, event=event)
        for name, value in fields.items():
            setattr(event, name, value)
        event.region_code, event.department_code = place_codes(event.organiser, event.commune)
        event.save()
        if partners is not None:
            event.partners.set([p for p in partners if p.pk != event.organiser_id])
        _offer_free_seats(event, timezone.now())
    return event


# --- Registrations and the waitlist --------------------------------------------------------


def _lock(event_id: int) -> Event:
    """The event's row, locked until the transaction ends (the seat counter's lock)."""
    return (
        Event.objects.select_for_update(of=("self",)).select_related("organiser", "commune").get(pk=event_id)
    )


def _taken(event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_STATUSES).count()


def _has_free_seat(event: Event) -> bool:
    return event.capacity is None or _taken(event) < event.capacity


def register(*, event: Event, user: Any, organisation: Organisation | None = None) -> Registration:
    """Register `user` (for `organisation`, one they belong to, or none): a confirmed seat while
    seats are left and nobody waits, else a place at the end of the waitlist."""
    if not permissions.is_signed_in(user):
        raise ServiceError(_("Connectez-vous pour vous inscrire."))
    if organisation is not None and organisation.pk not in permissions.organisation_ids_of(user):
        raise ServiceError(
            _("Vous ne pouvez vous inscrire qu'au nom d'une organisation dont vous êtes membre.")
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            event = _lock(event.pk)
            if not event.is_published or event.cancelled_at:
                raise ServiceError(_("Cet événement n'est pas ouvert aux inscriptions."))
            if event.starts_at <= now:
                raise ServiceError(_("Les inscriptions sont closes : l'événement a commencé."))
            if event.registrations.filter(user=user, status__in=ACTIVE_STATUSES).exists():
                raise ServiceError(_("Vous êtes déjà inscrit à cet événement."))
            nobody_waits = not event.registrations.filter(
                status__in=(RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)
            ).exists()
            confirmed = nobody_waits and _has_free_seat(event)
            sequence = (event.registrations.aggregate(m=Max("sequence"))["m"] or 0) + 1
            registration = Registration.objects.create(
                event=event,
                user=user,
                organisation=organisation,
                sequence=sequence,
                status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
                confirmed_at=now if confirmed else None,
            )
    except IntegrityError as exc:  # the one-active-registration constraint, raced
        raise ServiceError(_("Vous êtes déjà inscrit à cet événement.")) from exc
    # Rendered once the seat is counted and the event's lock released (sent on commit).
    _mail(registration, "confirmation" if confirmed else "waitlisted")
    return registration


def cancel_event(*, by: Any, event: Event) -> Event:
    """The organiser cancels the event: it stays listed as cancelled, registration closes, and
    every person registered, offered a seat or waiting is told by mail."""
    if not selectors.may_edit_event(by, event):
        raise ServiceError(_("Vous ne pouvez pas modifier cet événement."))
    with transaction.atomic():
        event = _lock(event.pk)
        if event.cancelled_at:
            raise ServiceError(_("Cet événement est déjà annulé."))
        if event.ends_at < timezone.now():
            raise ServiceError(_("Cet événement est passé : il ne peut plus être annulé."))
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at", "updated_at"])
        for registration in event.registrations.filter(status__in=ACTIVE_STATUSES).select_related("user"):
            _mail(registration, "event_cancelled")
    return event


def cancel_registration(*, registration: Registration, by: Any) -> Registration:
    """The person gives up their seat or their place in line; a freed seat goes to the next."""
    if not permissions.is_signed_in(by) or registration.user_id != by.pk:
        raise ServiceError(_("Seule la personne inscrite peut annuler son inscription."))
    with transaction.atomic():
        event = _lock(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status not in ACTIVE_STATUSES:
            raise ServiceError(_("Cette inscription n'est plus active."))
        if registration.checked_in_at:
            raise ServiceError(
                _("Votre arrivée est déjà enregistrée : l'inscription ne peut plus être annulée.")
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _offer_free_seats(event, registration.cancelled_at)
    return registration


def _offer_free_seats(event: Event, now: dt.datetime) -> list[Registration]:
    """Offer each free seat to the next person in line (under the event's lock), with a deadline
    of `offer_hours`, cut at the event's start; nothing once the event has begun."""
    offered: list[Registration] = []
    if event.starts_at <= now or event.cancelled_at:
        return offered
    deadline = min(now + dt.timedelta(hours=event.offer_hours), event.starts_at)
    while _has_free_seat(event):
        nxt = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("sequence").first()
        if nxt is None:
            break
        nxt.status = RegistrationStatus.OFFERED
        nxt.offered_at = now
        nxt.offer_expires_at = deadline
        nxt.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
        _mail(nxt, "offer")
        offered.append(nxt)
    return offered


def confirm_offer(*, registration: Registration, by: Any) -> Registration:
    """Take the seat offered to the person, before its deadline."""
    if not permissions.is_signed_in(by) or registration.user_id != by.pk:
        raise ServiceError(_("Seule la personne à qui la place est proposée peut la confirmer."))
    now = timezone.now()
    expired_at = None
    with transaction.atomic():
        event = _lock(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == RegistrationStatus.CONFIRMED:
            return registration  # confirmed twice: once
        if registration.status == RegistrationStatus.EXPIRED:
            expired_at = registration.offer_expires_at
        elif registration.status != RegistrationStatus.OFFERED:
            raise ServiceError(_("Aucune place ne vous est proposée pour cet événement."))
        elif registration.offer_expires_at and registration.offer_expires_at < now:
            expired_at = registration.offer_expires_at
            _expire(registration, event, now)
        else:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
            _mail(registration, "confirmation")
    if expired_at is not None:
        with override(getattr(by, "language", "") or settings.LANGUAGE_CODE):
            when = date_format(timezone.localtime(expired_at), "DATETIME_FORMAT")
        raise ServiceError(
            _(
                "Le délai pour confirmer cette place a expiré le %(when)s ; elle a été proposée à la personne suivante."
            )
            % {"when": when}
        )
    return registration


def _expire(registration: Registration, event: Event, now: dt.datetime) -> None:
    registration.status = RegistrationStatus.EXPIRED
    registration.save(update_fields=["status", "updated_at"])
    _mail(registration, "offer_expired")
    _offer_free_seats(event, now)


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Expire the offers past their deadline and pass each seat on (the scheduled task)."""
    now = now or timezone.now()
    expired = 0
    due = Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lt=now)
    for event_id in sorted(set(due.values_list("event_id", flat=True))):
        with transaction.atomic():
            event = _lock(event_id)
            for registration in due.filter(event_id=event_id).order_by("sequence"):
                _expire(registration, event, now)
                expired += 1
    return expired


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the confirmed people of events starting within `REMINDER_HOURS`, once each."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__is_published=True,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + dt.timedelta(hours=REMINDER_HOURS),
    ).select_related("event", "event__organiser", "event__commune", "user")
    sent = 0
    for registration in due:
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _mail(registration, "reminder")
                sent += 1
    return sent


# --- Check-in ------------------------------------------------------------------------------


@dataclass
class CheckIn:
    registration: Registration
    already: bool  # recorded before: counted once


def check_in_code(*, event: Event, code: str, by: Any) -> CheckIn:
    """Record an arrival from a ticket code: refuses forged codes, tickets of another event,
    and registrations that hold no seat; a second scan says when the first one was."""
    ticket = read_code(code)
    if ticket is None:
        raise ServiceError(_("Code invalide : ce billet n'a pas été émis par la plateforme."))
    if ticket.event_id != event.pk:
        other = Event.objects.filter(pk=ticket.event_id).values_list("title", flat=True).first()
        raise ServiceError(
            _("Ce billet est celui d'un autre événement (« %(title)s »), pas de celui-ci.")
            % {"title": other or "?"}
        )
    return check_in(event=event, registration_id=ticket.registration_id, by=by)


def check_in(*, event: Event, registration_id: int, by: Any) -> CheckIn:
    """Record the arrival of registration `registration_id` of `event` (idempotent)."""
    if not selectors.may_check_in(by, event):
        raise ServiceError(_("Vous ne faites pas partie de l'accueil de cet événement."))
    registration = (
        Registration.objects.select_related("user", "organisation")
        .filter(pk=registration_id, event=event)
        .first()
    )
    if registration is None:
        raise ServiceError(_("Code invalide : ce billet n'a pas été émis par la plateforme."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ServiceError(
            _("Ce billet n'est pas valable : inscription « %(status)s ».")
            % {"status": registration.get_status_display()}
        )
    now = timezone.now()
    with transaction.atomic():
        # The filter on NULL makes a second scan (or two phones at once) change nothing.
        updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
            checked_in_at=now, checked_in_by=by
        )
    registration.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return CheckIn(registration, already=not updated)


# --- Feeds ---------------------------------------------------------------------------------


def feed_for_organisation(organisation: Organisation) -> CalendarFeed:
    return CalendarFeed.objects.get_or_create(organisation=organisation)[0]


def feed_for_user(user: Any) -> CalendarFeed:
    return CalendarFeed.objects.get_or_create(user=user)[0]


def renew_feed(*, feed: CalendarFeed) -> CalendarFeed:
    """A new private address for the feed (the old one stops working)."""
    feed.delete()
    if feed.organisation_id:
        return CalendarFeed.objects.create(organisation_id=feed.organisation_id)
    return CalendarFeed.objects.create(user_id=feed.user_id)


# --- Mail ----------------------------------------------------------------------------------


def _mail(registration: Registration, template: str) -> None:
    """Queue mail `template` to the registered person, in their language, on commit; the
    confirmation and the reminder carry the event as an ICS attachment."""
    user = registration.user
    if not user.email:
        return
    event = registration.event
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    position = None
    if registration.status == RegistrationStatus.WAITLISTED:
        position = event.registrations.filter(
            status=RegistrationStatus.WAITLISTED, sequence__lte=registration.sequence
        ).count()
    context = {
        "event": event,
        "registration": registration,
        "position": position,
        "event_url": absolute_url(reverse("events:detail", args=[event.pk])),
        "ticket_url": absolute_url(reverse("events:ticket", args=[registration.pk])),
        "my_url": absolute_url(reverse("events:my_registrations")),
        "online_url": event.online_url if registration.status == RegistrationStatus.CONFIRMED else "",
    }
    with override(language):
        context["starts"] = date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")
        if registration.offer_expires_at:
            context["deadline"] = date_format(
                timezone.localtime(registration.offer_expires_at), "DATETIME_FORMAT"
            )
    attachments = []
    if template in ("confirmation", "reminder"):
        attachments.append(("evenement.ics", event_ics(event, with_online_link=True), "text/calendar"))
    send_templated_mail(
        f"events/mail/{template}",
        to=[user.email],
        context=context,
        language=language,
        attachments=attachments,
    )
