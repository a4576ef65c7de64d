"""Events of a provider or a cluster, registrations with a first-come waitlist, check-in.

An `Event` belongs to the organisation that runs it (`organiser`, a provider or a cluster of the
directory), with partner organisations, a place (commune and venue) or an online link, and an
optional capacity. A `Registration` is one person's seat, taken for a firm they belong to (or
for none). Its status follows the waitlist: `confirmed` holds a seat; `waitlisted` waits in the
order of `sequence` (first come, first served, numbered under the event's lock); when a seat
frees, the next in line becomes `offered` with `offer_expires_at`, and either confirms before
that deadline or the offer `expires` and passes on. `checked_in_at` is set once at the door.
A `CalendarFeed` is the private token behind an organisation's or a person's ICS feed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel

DEFAULT_OFFER_HOURS = 48


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conférence, journée")
    WORKSHOP = "workshop", _("Atelier")
    TRAINING = "training", pgettext_lazy("type d'événement", "Formation")
    WEBINAR = "webinar", _("Webinaire")
    NETWORKING = "networking", _("Rencontre d'affaires")
    DELEGATION = "delegation", _("Délégation collective (salon)")
    COMMUNICATION = "communication", _("Opération de communication")


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(is_published=True)

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends_at__gte=timezone.now())

    def past(self) -> EventQuerySet:
        return self.filter(ends_at__lt=timezone.now())


class Event(TimeStampedModel):
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organisateur"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partnered_events",
        verbose_name=_("partenaires"),
    )
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"), db_index=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    venue = models.CharField(_("lieu"), max_length=255, blank=True, help_text=_("Salle et adresse."))
    online_url = models.URLField(
        _("lien en ligne"), blank=True, help_text=_("Communiqué aux seuls inscrits confirmés.")
    )
    # Region of the commune, else of the organiser's head office: filters and yearly figures.
    region_code = models.CharField(_("région"), max_length=3, blank=True, db_index=True)
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    capacity = models.PositiveIntegerField(
        pgettext_lazy("places d'un événement", "places"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite."),
    )
    audience = models.CharField(pgettext_lazy("public d'un événement", "public"), max_length=255, blank=True)
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("délai pour confirmer une place libérée (heures)"), default=DEFAULT_OFFER_HOURS
    )
    is_published = models.BooleanField(_("publié"), default=False)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and self.commune_id is None and not self.venue

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def place_label(self) -> str:
        parts = [self.venue, self.commune.name if self.commune_id and self.commune else ""]
        return ", ".join(p for p in parts if p)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITLISTED = "waitlisted", _("En liste d'attente")
    OFFERED = "offered", _("Place proposée")
    CANCELLED = "cancelled", pgettext_lazy("inscription", "Annulée")
    EXPIRED = "expired", _("Proposition expirée")


# Statuses that keep a person on the event (one at a time per person and event).
ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)
# Statuses that hold a seat (an offered seat is kept for the person until its deadline).
SEAT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


class Registration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("entreprise"),
    )
    status = models.CharField(_("statut"), max_length=12, choices=RegistrationStatus.choices)
    # Arrival order within the event, given under the event's row lock: the waitlist order.
    sequence = models.PositiveIntegerField()
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("à confirmer avant"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("arrivé à"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="events_registration_sequence"),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
                name="events_registration_one_active",
            ),
        ]
        indexes = [models.Index(fields=["status", "offer_expires_at"])]

    def __str__(self) -> str:
        return f"{self.event} — {self.user} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CalendarFeed(models.Model):
    """The private token of an ICS feed: an organisation's events or a person's registrations."""

    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, user__isnull=False)
                | Q(organisation__isnull=False, user__isnull=True),
                name="events_feed_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"feed of {self.organisation or self.user}"
