"""Users, their memberships of organisations, and territorial roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel


class Profile(models.TextChoices):
    """Why a person signed up by themselves (people invited by an organisation have none)."""

    BUYER = "buyer", _("Acheteur ou donneur d'ordre")
    JOB_SEEKER = "job_seeker", _("Personne en recherche d'emploi ou de formation")
    PARTICIPANT = "participant", _("Participant à des événements")


class User(AbstractUser):
    """A person. `is_staff` = platform staff (Django admin).

    People who sign up by themselves or accept an invitation get `username` = their e-mail,
    lowercased: the e-mail is the login identifier. A self sign-up stays inactive until
    `email_verified_at` is set by the link in the verification mail; `deactivated_at` tells an
    account its owner closed from one never verified.
    """

    profile = models.CharField(_("profil"), max_length=20, choices=Profile.choices, blank=True)
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)
    language = models.CharField(_("langue"), max_length=10, blank=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")


class Role(models.TextChoices):
    MEMBER = "member", _("Membre")
    # With a context: core's legal notice translates "Éditeur" as the site's publisher.
    EDITOR = "editor", pgettext_lazy("organisation role", "Éditeur")
    ADMIN = "admin", _("Administrateur")


class Membership(TimeStampedModel):
    """A user's role in an organisation. Members of a cluster with editor/admin role are its staff."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        unique_together = [("user", "organisation")]
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class RegionalRole(TimeStampedModel):
    """A regional administrator (regional council staff) for one region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="regional_roles")
    region = models.ForeignKey("territories.Region", on_delete=models.CASCADE, related_name="administrators")

    class Meta:
        unique_together = [("user", "region")]
        verbose_name = _("administrateur régional")
        verbose_name_plural = _("administrateurs régionaux")

    def __str__(self) -> str:
        return f"{self.user} — {self.region}"


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked, and not expired."""
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(TimeStampedModel):
    """An invitation to join an organisation with a role, sent by e-mail with a private link."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField(_("expire le"))
    sent_count = models.PositiveSmallIntegerField(_("envois"), default=1)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_accepted"
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class JoinRequest(TimeStampedModel):
    """A signed-in person asks to join an organisation; its admins approve (with a role) or refuse."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("état"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING
    )
    role = models.CharField(_("rôle accordé"), max_length=10, choices=Role.choices, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="join_requests_decided"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"
