"""The skills showcase: what regional firms can do, and the buyers who contact them.

A company's `ShowcaseProfile` (pitch, target sectors, published flag) carries denormalised
search columns (territory, size band, capacity available now, earliest availability) kept up to
date by `services.refresh_profile`, so that a buyer's filters touch one table before the
matching engine ranks the remaining firms. Competences are declared on the shared
`taxonomy.Skill`; cluster staff validate them. Contact requests keep a timestamp for every step,
like le marché de l'inclusion does for its buyers' needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filiere.core.models import TimeStampedModel


class Sector(models.Model):
    """An application sector a firm targets (rail, health, fintech...), with its NAF divisions.

    `naf_divisions` ties the sector to NAF rév. 2 divisions, so transferability scores computed
    on ROME NAF sectors roll up to these buyer-facing sectors. `keywords` are folded words that
    name the sector in a buyer's query ("ferroviaire", "train", "sncf").
    """

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    naf_divisions = models.JSONField(_("divisions NAF"), default=list, blank=True)
    keywords = models.JSONField(_("mots-clés"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")

    def __str__(self) -> str:
        return self.label


class ShowcaseProfile(models.Model):
    """A firm's showcase page. Only published profiles are searchable and indexed."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="showcase_profile",
        verbose_name=_("organisation"),
    )
    pitch = models.TextField(_("présentation"), blank=True, max_length=5000)
    target_sectors = models.ManyToManyField(
        Sector, blank=True, related_name="profiles", verbose_name=_("secteurs visés")
    )
    is_published = models.BooleanField(_("publié"), default=False, db_index=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    # Denormalised by services.refresh_profile, for one-table filtering at scale.
    region_code = models.CharField(_("région"), max_length=3, blank=True, db_index=True)
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True)
    capacity_now = models.PositiveIntegerField(_("personnes disponibles maintenant"), default=0)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    validated_count = models.PositiveIntegerField(_("compétences validées"), default=0)

    class Meta:
        verbose_name = _("vitrine")
        verbose_name_plural = _("vitrines")
        indexes = [
            models.Index(fields=["is_published", "region_code"], name="showcase_pub_region_idx"),
            models.Index(fields=["is_published", "capacity_now"], name="showcase_pub_capacity_idx"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Level(models.TextChoices):
    NOTIONS = "notions", _("Notions")
    OPERATIONAL = "operational", _("Opérationnel")
    EXPERT = "expert", _("Expert")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("À valider")
    VALIDATED = "validated", _("Validée")
    REJECTED = "rejected", _("Refusée")


class CompetenceDeclaration(TimeStampedModel):
    """A competence a firm declares: who has it, how well, how many are free and from when."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="competence_declarations"
    )
    skill = models.ForeignKey(
        "taxonomy.Skill", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("compétence")
    )
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices, default=Level.OPERATIONAL)
    people_count = models.PositiveIntegerField(_("personnes qui la maîtrisent"), default=1)
    capacity_available_now = models.PositiveIntegerField(_("personnes disponibles maintenant"), default=0)
    available_from = models.DateField(_("disponibles à partir du"), null=True, blank=True)
    note = models.CharField(_("précision"), max_length=500, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    # The cluster in whose name the declaration was validated: the public badge names it.
    validated_for = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par le cluster"),
    )

    class Meta:
        ordering = ["organisation", "skill__label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "skill"], name="showcase_declaration_uniq")
        ]
        verbose_name = _("compétence déclarée")
        verbose_name_plural = _("compétences déclarées")

    def __str__(self) -> str:
        return f"{self.organisation_id} — {self.skill_id}"


class Reference(TimeStampedModel):
    """A client reference: who, when, in which sector, what was done."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="showcase_references"
    )
    client = models.CharField(_("client"), max_length=200)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("secteur")
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-year", "client"]
        verbose_name = _("référence client")
        verbose_name_plural = _("références clients")

    def __str__(self) -> str:
        return f"{self.client} ({self.year or '—'})"


class Certification(TimeStampedModel):
    """A label or certification (ISO 9001, EN 9100, Qualiopi...)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="showcase_certifications"
    )
    name = models.CharField(_("nom"), max_length=200)
    issuer = models.CharField(_("organisme"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return self.name


class ContactStatus(models.TextChoices):
    SENT = "sent", _("Envoyée")
    READ = "read", _("Lue")
    ANSWERED = "answered", _("Répondue")
    DECLINED = "declined", _("Déclinée")
    DEAL_SIGNED = "deal_signed", _("Contrat signé")


class ContactRequest(TimeStampedModel):
    """A buyer's message to a firm, with the timestamp of every step of its life.

    Transitions (see `services.ALLOWED_TRANSITIONS`) are made by the target firm's editors;
    each one is also appended to `history` with who made it.
    """

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests"
    )
    buyer_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests_sent",
        verbose_name=_("organisation de l'acheteur"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
        verbose_name=_("entreprise contactée"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    search_query = models.CharField(_("recherche d'origine"), max_length=500, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ContactStatus.choices, default=ContactStatus.SENT, db_index=True
    )
    sent_at = models.DateTimeField(_("envoyée le"))
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("déclinée le"), null=True, blank=True)
    deal_signed_at = models.DateTimeField(_("contrat signé le"), null=True, blank=True)
    deal_amount = models.DecimalField(
        _("montant du contrat (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    answer = models.TextField(_("réponse"), blank=True, max_length=5000)
    followup_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)
    history = models.JSONField(_("historique"), default=list, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("demande de contact")
        verbose_name_plural = _("demandes de contact")

    def __str__(self) -> str:
        return f"{self.subject} → {self.organisation_id}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Quotidienne")
    WEEKLY = "weekly", _("Hebdomadaire")


class SavedSearch(TimeStampedModel):
    """A buyer's search kept for alerts: new matching firms are mailed once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="showcase_searches"
    )
    name = models.CharField(_("nom"), max_length=200)
    query = models.CharField(_("texte recherché"), max_length=500, blank=True)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    last_run_at = models.DateTimeField(_("dernière exécution"), null=True, blank=True)
    last_seen_ids = models.JSONField(_("entreprises déjà signalées"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")

    def __str__(self) -> str:
        return self.name
