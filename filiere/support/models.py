"""The support network: services of providers, requests routed to them, support given to firms.

A `Service` belongs to a provider (an organisation of the directory) and carries its eligibility
rules as structured fields (NAF prefixes, headcount bands, maximum age of the firm, territories
covered), so "services for my firm" is a computation, not a reading. A firm's `SupportRequest`
(its need in free text, for one establishment) is routed to one or more services: each
`Referral` is one provider's answer, which moves new → taken in charge → done / not for us /
no answer, every move a `ReferralEvent` (who, when). A `Survey` is the satisfaction question
after "done" and the outcome question six months later, each behind a private link and answered
once. An `Engagement` is one act of support given to a firm (SIREN) by a provider: reporting
counts firms once by SIREN over them (docs/support.md).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel


class Theme(models.TextChoices):
    TRANSFORMATION = "transformation", _("Transformation numérique")
    CYBERSECURITY = "cyber", _("Cybersécurité")
    DATA_AI = "data_ai", _("Données et intelligence artificielle")
    INNOVATION = "innovation", _("Innovation, R&D et prototypage")
    FUNDING = "funding", _("Financement")
    EXPORT = "export", _("International et export")
    SKILLS = "skills", _("Recrutement et compétences")
    CREATION = "creation", _("Création et accélération de start-up")
    INDUSTRY = "industry", _("Industrie du futur")
    MARKETING = "marketing", _("Commerce en ligne et marketing numérique")


class Stage(models.TextChoices):
    ANY = "", _("Tous les stades")
    PROJECT = "project", _("Projet de création")
    STARTUP = "startup", _("Jeune entreprise")
    GROWTH = "growth", _("Croissance")
    ESTABLISHED = "established", _("Entreprise établie")


class SizeClass(models.TextChoices):
    """Size classes of the reports, from the INSEE headcount band (docs/support.md)."""

    MICRO = "micro", _("TPE (moins de 10 salariés)")
    SMALL = "small", _("Petite entreprise (10 à 49 salariés)")
    MEDIUM = "medium", _("Moyenne entreprise (50 à 249 salariés)")
    LARGE = "large", _("ETI et grande entreprise (250 salariés et plus)")
    UNKNOWN = "unknown", _("Effectif inconnu")


SIZE_OF_BAND = {
    **dict.fromkeys(("NN", "00", "01", "02", "03"), SizeClass.MICRO),
    **dict.fromkeys(("11", "12"), SizeClass.SMALL),
    **dict.fromkeys(("21", "22", "31"), SizeClass.MEDIUM),
    **dict.fromkeys(("32", "41", "42", "51", "52", "53"), SizeClass.LARGE),
}


def size_class_of(headcount_band: str | None) -> str:
    """The report's size class of an INSEE headcount band (unknown when blank)."""
    return SIZE_OF_BAND.get(headcount_band or "", SizeClass.UNKNOWN)


def firm_key(organisation: Any) -> str:
    """How support counts a firm: its SIREN, or for an organisation without one (an actor entered
    by hand, a generated demo company) "D" and its directory id on 8 digits, so it still counts
    once (docs/support.md)."""
    return organisation.siren or f"D{organisation.pk:08d}"


class ServiceQuerySet(models.QuerySet):
    def published(self) -> ServiceQuerySet:
        return self.filter(is_published=True)


class Service(TimeStampedModel):
    provider = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="support_services",
        verbose_name=_("structure qui le propose"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.CharField(_("en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    stage = models.CharField(_("stade visé"), max_length=20, choices=Stage.choices, blank=True, default="")
    # Eligibility rules; an empty list (or no age) means no condition.
    naf_prefixes = models.JSONField(
        _("codes NAF visés (débuts de code)"),
        default=list,
        blank=True,
        help_text=_("Par exemple 62 ou 62.01 ; vide : toutes les activités."),
    )
    headcount_bands = models.JSONField(
        _("tranches d'effectif éligibles"),
        default=list,
        blank=True,
        help_text=_("Vide : toutes les tailles."),
    )
    max_age_years = models.PositiveSmallIntegerField(
        _("âge maximal de l'entreprise (ans)"), null=True, blank=True
    )
    region_codes = models.JSONField(_("régions couvertes"), default=list, blank=True)
    department_codes = models.JSONField(_("départements couverts"), default=list, blank=True)
    epci_codes = models.JSONField(
        _("intercommunalités couvertes"),
        default=list,
        blank=True,
        help_text=_("Aucun territoire : couverture nationale."),
    )
    is_free = models.BooleanField(_("gratuit"), default=False)
    cost = models.CharField(_("coût ou financement"), max_length=200, blank=True)
    is_regional_aid_scheme = models.BooleanField(_("dispositif d'aide régional"), default=False)
    funders = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="funded_support_services",
        verbose_name=_("financeurs"),
    )
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    url = models.URLField(_("page de présentation"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("service d'accompagnement")
        verbose_name_plural = _("services d'accompagnement")

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return not (self.region_codes or self.department_codes or self.epci_codes)


class SupportRequest(TimeStampedModel):
    """A firm's need, in its own words, for one of its establishments (SIRET)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="support_requests",
        verbose_name=_("entreprise"),
    )
    siret = models.CharField(_("SIRET"), max_length=14)
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True)
    description = models.TextField(_("besoin"))
    contact_name = models.CharField(_("nom du contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("courriel du contact"))
    language = models.CharField(max_length=8, default="fr")
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("déposée par"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.created_at:%d/%m/%Y}"


class ReferralStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("réponse d'une structure", "Nouvelle")
    TAKEN = "taken", _("Prise en charge")
    DONE = "done", pgettext_lazy("réponse d'une structure", "Accompagnement réalisé")
    NOT_FOR_US = "not_for_us", _("Pas pour nous")
    NO_ANSWER = "no_answer", _("Sans réponse")


OPEN_STATUSES = (ReferralStatus.NEW, ReferralStatus.TAKEN)
# Allowed moves of a provider's answer (docs/support.md); "no answer" is set by the reminder task.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.NEW: (ReferralStatus.TAKEN, ReferralStatus.NOT_FOR_US, ReferralStatus.DONE),
    ReferralStatus.TAKEN: (ReferralStatus.DONE, ReferralStatus.NOT_FOR_US),
    ReferralStatus.NO_ANSWER: (ReferralStatus.TAKEN, ReferralStatus.NOT_FOR_US),
    ReferralStatus.DONE: (),
    ReferralStatus.NOT_FOR_US: (),
}


class Referral(TimeStampedModel):
    """The request routed to one service: its provider's answer."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="support_referrals"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.NEW, db_index=True
    )
    status_at = models.DateTimeField(_("depuis le"))
    reasons = models.JSONField(_("pourquoi ce service"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "rank", "pk"]
        unique_together = [("request", "service")]
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")

    def __str__(self) -> str:
        return f"{self.request} → {self.provider}"

    def allowed_moves(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class ReferralEvent(models.Model):
    """One move of a referral's status: who (None for the platform) and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("statut"), max_length=12, choices=ReferralStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("le"))
    note = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.at:%Y-%m-%d}"


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction")
    OUTCOME = "outcome", _("Résultat à six mois")


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Oui, le projet a abouti")
    IN_PROGRESS = "in_progress", _("En cours")
    ABANDONED = "abandoned", _("Non, abandonné")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(models.Model):
    """A question to the firm behind a private link, answered once."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=12, choices=SurveyKind.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    due_on = models.DateField(_("à envoyer le"))
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    outcome = models.CharField(_("résultat"), max_length=12, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        unique_together = [("referral", "kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.referral_id}"


class EngagementKind(models.TextChoices):
    REFERRAL = "referral", _("Demande accompagnée")
    DIRECT = "direct", _("Accompagnement déclaré par la structure")


class Engagement(models.Model):
    """One act of support given to a firm (SIREN): the unit the reports count firms over.

    Territory and size class are those of the firm when it was supported (kept, so a later move
    or growth does not rewrite past reports).
    """

    siren = models.CharField(_("SIREN"), max_length=9)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="support_engagements",
    )
    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="support_given"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements"
    )
    referral = models.OneToOneField(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagement"
    )
    kind = models.CharField(max_length=10, choices=EngagementKind.choices, default=EngagementKind.DIRECT)
    date = models.DateField(_("date"))
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    size_class = models.CharField(_("taille"), max_length=10, choices=SizeClass.choices)
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    label = models.CharField(_("intitulé"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["provider", "date"], name="support_eng_provider_idx"),
            models.Index(fields=["service", "date"], name="support_eng_service_idx"),
            models.Index(fields=["siren", "date"], name="support_eng_siren_idx"),
            models.Index(fields=["region_code", "date"], name="support_eng_region_idx"),
        ]
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")

    def __str__(self) -> str:
        return f"{self.siren} {self.date} {self.provider_id}"
