"""Users, their memberships of organisations, and territorial roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from filiere.core.models import TimeStampedModel


class User(AbstractUser):
    """A person. `is_staff` = platform staff (Django admin)."""

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")


class Role(models.TextChoices):
    MEMBER = "member", _("Membre")
    EDITOR = "editor", _("Éditeur")
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
