"""Buyers' needs and each invited firm's path (imported by `filiere.meetings.models`).

A `BuyerNeed` is posted by a person for an organisation (a large firm, a hospital, a local
authority). A `NeedInvitation` is one firm's path on one need, whatever brought it there (invited
by the buyer, broadcast to the best matches, interest expressed on a public need): every step
keeps its time, as the best public marketplaces do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel


class NeedKind(models.TextChoices):
    RD = "rd", _("Projet de R&D")
    PARTNERS = "partners", _("Appel à partenaires (consortium)")
    PUBLIC = "public", _("Besoin d'un acheteur public")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CLOSED = "closed", _("Clos")


class NeedOutcome(models.TextChoices):
    AWARDED = "awarded", _("Attribué (projet ou consortium formé)")
    NO_GO = "no_go", _("Sans suite")


class BuyerNeed(TimeStampedModel):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation acheteuse"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("nature du besoin"), max_length=10, choices=NeedKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    themes = models.CharField(_("thèmes"), max_length=500, blank=True)
    # The taxonomy skills the matching engine read in the themes (shown to the buyer).
    skills = models.ManyToManyField("taxonomy.Skill", blank=True, related_name="+")
    budget_min = models.PositiveIntegerField(_("budget minimum (€)"), null=True, blank=True)
    budget_max = models.PositiveIntegerField(_("budget maximum (€)"), null=True, blank=True)
    deadline = models.DateField(_("réponses attendues avant le"))
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("région")
    )
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    confidential = models.BooleanField(_("confidentiel"), default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=10, choices=NeedOutcome.choices, blank=True)
    outcome_note = models.TextField(_("précisions sur l'issue"), blank=True, max_length=2000)
    # The follow-up after the deadline: asked by mail (task), answered by the buyer.
    follow_up_asked_at = models.DateTimeField(_("suivi demandé le"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("suivi renseigné le"), null=True, blank=True)
    project_started = models.BooleanField(_("projet lancé"), null=True, blank=True)
    project_amount = models.PositiveIntegerField(_("montant du projet (€)"), null=True, blank=True)

    class Meta:
        verbose_name = _("besoin d'acheteur")
        verbose_name_plural = _("besoins d'acheteurs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "region"], name="meetings_need_status_region")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=F("budget_max")),
                name="meetings_need_budget_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PathStatus(models.TextChoices):
    NOTIFIED = "notified", _("Notifiée")
    INTERESTED = "interested", _("Intéressée")
    OPENED = "opened", _("A consulté")
    ANSWERED = "answered", _("A répondu")
    DECLINED = "declined", _("A décliné")
    SHORTLISTED = "shortlisted", _("Présélectionnée")
    SELECTED = "selected", pgettext_lazy("parcours", "Retenue")


class InvitationSource(models.TextChoices):
    INVITED = "invited", _("Invitée par l'acheteur")
    BROADCAST = "broadcast", _("Diffusion aux entreprises proposées")
    INTEREST = "interest", _("Intérêt manifesté")


class NeedInvitation(TimeStampedModel):
    """One firm's path on one need; each step keeps when it happened (and who, for the opening)."""

    need = models.ForeignKey(BuyerNeed, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise")
    )
    source = models.CharField(_("origine"), max_length=10, choices=InvitationSource.choices)
    status = models.CharField(pgettext_lazy("parcours", "étape"), max_length=12, choices=PathStatus.choices)
    # Why the engine proposed it ("retenue pour : …"), frozen when invited.
    match_reasons = models.CharField(_("raisons de la proposition"), max_length=1000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(_("notifiée le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("consulté le"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("réponse"), blank=True, max_length=5000)
    amount = models.PositiveIntegerField(_("montant proposé (€)"), null=True, blank=True)
    delay_days = models.PositiveIntegerField(_("délai de réalisation (jours)"), null=True, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True, editable=False)
    # The one reminder to a firm that has neither answered nor declined (`needs/reminders.py`).
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("décliné le"), null=True, blank=True)
    decline_reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    shortlisted_at = models.DateTimeField(_("présélectionnée le"), null=True, blank=True)
    selected_at = models.DateTimeField(_("retenue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("entreprise sollicitée")
        verbose_name_plural = _("entreprises sollicitées")
        constraints = [
            models.UniqueConstraint(fields=["need", "organisation"], name="meetings_one_invitation_per_firm")
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.organisation}"

    @property
    def has_answered(self) -> bool:
        return self.answered_at is not None
