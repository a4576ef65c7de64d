"""B2B meetings: an event's B2B programme, its participants, meeting requests and meetings.

The day itself is an `events.Event` (place, date, registration, ICS, QR check-in at the door);
the programme adds slots × tables, the marketplace of requests and the scheduled meetings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("Demandes ouvertes")
    SCHEDULED = "scheduled", _("Planning calculé, non publié")
    PUBLISHED = "published", _("Planning publié")


class Programme(TimeStampedModel):
    """The B2B meetings of one event: `slots` slots of `slot_minutes` from `first_slot_at`."""

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="b2b_programme")
    first_slot_at = models.DateTimeField(_("début du premier créneau"))
    slot_minutes = models.PositiveSmallIntegerField(_("durée d'un créneau (minutes)"), default=20)
    slots = models.PositiveSmallIntegerField(_("nombre de créneaux"), default=12)
    tables = models.PositiveSmallIntegerField(_("nombre de tables"), default=10)
    requests_close_at = models.DateTimeField(_("demandes et réponses jusqu'au"))
    status = models.CharField(
        _("statut"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    locked = models.BooleanField(_("planning verrouillé"), default=False)
    # The last run of the scheduler.
    ran_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    placed = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(default=0)
    unscheduled = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    run_seconds = models.FloatField(default=0)
    run_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("programme de rendez-vous d'affaires")
        verbose_name_plural = _("programmes de rendez-vous d'affaires")

    def __str__(self) -> str:
        return str(self.event)

    def slot_start(self, slot: int) -> dt.datetime:
        return self.first_slot_at + dt.timedelta(minutes=self.slot_minutes * slot)

    def slot_end(self, slot: int) -> dt.datetime:
        return self.slot_start(slot) + dt.timedelta(minutes=self.slot_minutes)


class ParticipantRole(models.TextChoices):
    BUYER = "buyer", _("Donneur d'ordre")
    SUPPLIER = "supplier", _("Offreur")
    BOTH = "both", _("Les deux")


class Participant(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(pgettext_lazy("rôle B2B", "rôle"), max_length=10, choices=ParticipantRole.choices)
    presentation = models.TextField(_("ce que je cherche ou propose"), blank=True, max_length=2000)
    unavailable_slots = models.JSONField(_("créneaux indisponibles"), default=list, blank=True)
    fixed_table = models.PositiveSmallIntegerField(_("table fixe"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("désisté le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("arrivé à"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="meetings_one_participant")]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.username
        return f"{name} ({self.organisation})" if self.organisation_id else name

    @property
    def label(self) -> str:
        return str(self)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    WITHDRAWN = "withdrawn", _("Retirée")


class MeetingRequest(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requests")
    sender = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="received_requests")
    reason = models.TextField(_("motif"), max_length=1000)
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    priority = models.SmallIntegerField(_("priorité"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "recipient"], name="meetings_one_request_per_pair"),
            models.CheckConstraint(condition=~Q(sender=F("recipient")), name="meetings_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class Attendance(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    HELD = "held", _("Tenu")
    NO_SHOW = "no_show", _("Absence")


class Meeting(TimeStampedModel):
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.PositiveSmallIntegerField(_("créneau"))
    table = models.PositiveSmallIntegerField(pgettext_lazy("table de rendez-vous", "table"))
    locked = models.BooleanField(_("verrouillé"), default=False)
    attendance = models.CharField(
        _("présence"), max_length=8, choices=Attendance.choices, default=Attendance.PLANNED
    )
    sender_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    recipient_rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["slot", "table"]

    def __str__(self) -> str:
        return f"{self.request} @ {self.slot}/{self.table}"


# Buyers' needs live in their own module (filiere/meetings/needs/), registered with this app.
from .needs.models import (  # noqa: E402, F401
    BuyerNeed,
    InvitationSource,
    NeedInvitation,
    NeedKind,
    NeedOutcome,
    NeedStatus,
    PathStatus,
)
