"""Skill-needs surveys: campaigns sent to companies, their invitations (token links), answers.

A `Campaign` targets the companies of a territory (region, department or EPCI) or the members
of a cluster; preparing it creates one `Invitation` per company, each with an unguessable token
that opens the survey without an account. An `Answer` (one per invitation) holds `NeedLine`
rows: a skill or occupation resolved from the respondent's words by the matching engine, how
many people, when, how hard to find, which contracts. Every mail sent (invitation, reminder) is
an `InvitationMail` row, so reminders never go twice the same day and the history is visible.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel

MAX_PEOPLE_PER_LINE = 500


class Scope(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    CLUSTER = "cluster", _("Adhérents d'un cluster")


class Status(models.TextChoices):
    # In context: the bare msgid "Close" is also Django's own (the "Close" button, translated
    # "Fermer"), and a campaign read "Fermer" instead of "Fermée".
    DRAFT = "draft", pgettext_lazy("statut d'une campagne", "Brouillon")
    OPEN = "open", pgettext_lazy("statut d'une campagne", "Ouverte")
    CLOSED = "closed", pgettext_lazy("statut d'une campagne", "Fermée")


class Horizon(models.TextChoices):
    MONTHS_6 = "6m", _("Dans les 6 mois")
    YEAR_1 = "1y", _("D'ici un an")
    YEARS_2_3 = "2-3y", _("Dans 2 à 3 ans")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("1 — facile à trouver")
    MODERATE = 2, _("2 — quelques difficultés")
    HARD = 3, _("3 — difficile")
    VERY_HARD = 4, _("4 — très difficile, introuvable")


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    WORK_STUDY = "alternance", _("Alternance")
    INTERNSHIP = "stage", _("Stage")
    FREELANCE = "freelance", _("Indépendant / freelance")
    TRAINING = "formation", _("Formation de salariés en poste")


class NeedKind(models.TextChoices):
    SKILL = "skill", _("Compétence")
    OCCUPATION = "occupation", _("Métier")
    TEXT = "text", _("Texte libre (non reconnu)")


class CampaignQuerySet(models.QuerySet):
    def accepting_answers(self, today: dt.date | None = None) -> CampaignQuerySet:
        today = today or timezone.localdate()
        return self.filter(status=Status.OPEN, opens_on__lte=today, closes_on__gte=today)


class Campaign(TimeStampedModel):
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(
        _("message aux entreprises"), blank=True, help_text=_("Affiché en tête du questionnaire.")
    )
    region = models.ForeignKey(
        "territories.Region",
        on_delete=models.PROTECT,
        related_name="needs_campaigns",
        verbose_name=_("région"),
    )
    scope = models.CharField(_("périmètre"), max_length=10, choices=Scope.choices, default=Scope.REGION)
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        "territories.EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("EPCI"),
    )
    cluster = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs_campaigns_as_cluster",
        verbose_name=_("cluster"),
    )
    digital_only = models.BooleanField(
        _("entreprises du numérique seulement"),
        default=True,
        help_text=_("Pour un territoire : seulement les établissements du secteur numérique (NAF c1385)."),
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_campaigns_run",
        verbose_name=_("organisation qui conduit l'enquête"),
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    status = models.CharField(_("état"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("relance après (jours)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Les entreprises qui n'ont pas répondu sont relancées après ce délai."),
    )
    results_public = models.BooleanField(
        _("résultats publics"), default=False, help_text=_("Les résultats agrégés sont visibles de tous.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("campagne d'enquête")
        verbose_name_plural = _("campagnes d'enquête")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="needs_campaign_period_ok"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_answers(self, today: dt.date | None = None) -> bool:
        """Open, and today within the period: answers can be given or changed."""
        today = today or timezone.localdate()
        return self.status == Status.OPEN and self.opens_on <= today <= self.closes_on

    @property
    def territory_label(self) -> str:
        if self.scope == Scope.CLUSTER and self.cluster_id:
            return _("Adhérents de %(cluster)s") % {"cluster": self.cluster.name}
        if self.scope == Scope.EPCI and self.epci_id:
            return str(self.epci)
        if self.scope == Scope.DEPARTMENT and self.department_id:
            return str(self.department)
        return str(self.region)


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Invitation(TimeStampedModel):
    """One company invited to one campaign; the token is its private link to the survey."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="needs_invitations"
    )
    # Snapshot of the directory when the campaign was prepared (response rate by department and size).
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True)
    email = models.EmailField(_("adresse du contact"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    sent_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)
    last_mailed_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("relances"), default=0)
    opened_at = models.DateTimeField(_("lien ouvert le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="needs_one_invitation_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organisation}"


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Relance")


class InvitationMail(models.Model):
    """A mail sent to an invited company (the record of invitations and reminders)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(_("type"), max_length=10, choices=MailKind.choices)
    sent_at = models.DateTimeField(_("envoyé le"), db_index=True)
    sent_on = models.DateField(_("jour d'envoi"))  # local date: at most one reminder per day
    to = models.EmailField(_("destinataire"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "sent_on"],
                condition=models.Q(kind="reminder"),
                name="needs_one_reminder_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.to} {self.sent_at:%Y-%m-%d}"


class Answer(TimeStampedModel):
    """A company's answer to a campaign (one per invitation, editable until the campaign closes)."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    respondent_name = models.CharField(_("votre nom"), max_length=120, blank=True)
    respondent_role = models.CharField(_("votre fonction"), max_length=120, blank=True)
    headcount = models.PositiveIntegerField(
        _("effectif actuel"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    comments = models.TextField(_("commentaires"), blank=True, max_length=5000)
    revision = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")

    def __str__(self) -> str:
        return str(self.invitation)


class NeedLine(models.Model):
    """One need: what (skill, occupation or free text), how many people, when, how hard, which contracts."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("besoin (texte saisi)"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=NeedKind.choices, default=NeedKind.TEXT)
    skill = models.ForeignKey(
        "taxonomy.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occupation_kind = models.CharField(max_length=20, blank=True)  # esco, rome_appellation, rome_metier
    occupation_code = models.CharField(max_length=120, blank=True)
    label = models.CharField(_("libellé retenu"), max_length=500)
    family = models.CharField(_("famille de compétences"), max_length=12, db_index=True)
    people = models.PositiveIntegerField(
        _("nombre de personnes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE_PER_LINE)]
    )
    horizon = models.CharField(_("horizon"), max_length=4, choices=Horizon.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulté"), choices=Difficulty.choices)
    contract_types = models.JSONField(_("contrats"), default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people__gte=1, people__lte=MAX_PEOPLE_PER_LINE), name="needs_people_ok"
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1, difficulty__lte=4), name="needs_difficulty_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} × {self.people}"
