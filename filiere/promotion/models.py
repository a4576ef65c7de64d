"""Curated content of a region's public pages, reviewed before it is published.

An `Entry` is one block a region's staff write on top of what the platform computes: the
region's introduction, a sector of excellence with its leading firms, a pitch to the buyers of an
application sector, a success story, a contact, a woman's portrait for an occupation.

Review before publish: staff edit the working fields; "submit" asks another regional admin of the
region (or platform staff) to review; "publish" copies the working fields into `published`, the
only version the public pages read. Editing a published entry leaves the published copy online
until the next review publishes the new text (docs/promotion.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from filiere.core.models import TimeStampedModel
from filiere.organisations.models import Organisation
from filiere.territories.models import Region


class EntryKind(models.TextChoices):
    INTRO = "intro", _("Présentation de la région")
    EXCELLENCE = "excellence", _("Secteur d'excellence")
    PITCH = "pitch", _("Offre aux acheteurs d'un secteur")
    STORY = "story", _("Success story")
    CONTACT = "contact", pgettext_lazy("promotion", "Contact")
    PORTRAIT = "portrait", _("Portrait de femme du numérique")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("À relire")
    PUBLISHED = "published", _("Publié")


#: The working fields copied into `Entry.published` when a reviewer publishes.
PUBLISHED_FIELDS = (
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "body_fr",
    "body_en",
    "occupation_code",
    "buyer_sector",
    "email",
    "website",
)


class EntryQuerySet(models.QuerySet["Entry"]):
    def online(self) -> EntryQuerySet:
        """Entries with a published version (whatever the state of their working copy)."""
        return self.exclude(published_at=None)


class Entry(TimeStampedModel):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("région"))
    kind = models.CharField(_("type"), max_length=12, choices=EntryKind.choices)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title_fr = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre en anglais"), max_length=200, blank=True)
    summary_fr = models.CharField(_("résumé"), max_length=400, blank=True)
    summary_en = models.CharField(_("résumé en anglais"), max_length=400, blank=True)
    body_fr = models.TextField(_("texte"), max_length=6000, blank=True)
    body_en = models.TextField(_("texte en anglais"), max_length=6000, blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations mises en avant")
    )
    occupation_code = models.CharField(_("métier (code ROME)"), max_length=5, blank=True)
    buyer_sector = models.CharField(_("secteur acheteur"), max_length=30, blank=True)
    email = models.EmailField(_("courriel de contact"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT, db_index=True
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("remarque de relecture"), max_length=500, blank=True)
    published = models.JSONField(_("version publiée"), default=dict, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    history = models.JSONField(_("historique"), default=list, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["region", "kind", "order", "pk"]
        verbose_name = _("contenu de page régionale")
        verbose_name_plural = _("contenus de pages régionales")
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "slug"], name="promotion_entry_slug_uniq")
        ]

    def __str__(self) -> str:
        return self.title_fr

    def working_copy(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in PUBLISHED_FIELDS}
        data["organisation_ids"] = sorted(self.organisations.values_list("pk", flat=True))
        return data

    def public(self, name: str) -> str:
        """A published text field in the visitor's language: English when the entry gives one."""
        if translation.get_language() == "en":
            english = self.published.get(f"{name}_en") or ""
            if english:
                return str(english)
        return str(self.published.get(f"{name}_fr") or self.published.get(name) or "")

    def public_language(self, name: str) -> str:
        """The language of `public(name)`, for a `lang` attribute when it differs from the page's."""
        if translation.get_language() == "en" and self.published.get(f"{name}_en"):
            return "en"
        return "fr"

    @property
    def public_title(self) -> str:
        return self.public("title")

    @property
    def public_summary(self) -> str:
        return self.public("summary")

    @property
    def public_body(self) -> str:
        return self.public("body")

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_at is not None and self.status != EntryStatus.PUBLISHED


# --- Territorial marketing: prospects, actions, leads handed to regional firms ---------------------


class ProspectStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identifiée")
    CONTACTED = "contacted", _("Contactée")
    INTERESTED = "interested", _("Intéressée")
    WON = "won", _("Gagnée")
    LOST = "lost", _("Perdue")


class ActionKind(models.TextChoices):
    FAIR = "fair", _("Salon")
    MISSION = "mission", _("Mission à l'étranger")
    CALL = "call", _("Appel")
    MEETING = "meeting", _("Rendez-vous")
    EMAIL = "email", _("Courriel")


class Prospect(TimeStampedModel):
    """A buyer organisation the region's marketing officer prospects for its firms (often abroad,
    so not in the directory): its sector (a showcase buyer sector) and country (ISO 3166 code)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("région"))
    name = models.CharField(_("organisation ciblée"), max_length=200)
    country = models.CharField(_("pays (code ISO)"), max_length=2)
    buyer_sector = models.CharField(_("secteur acheteur"), max_length=30)
    status = models.CharField(
        _("état"), max_length=12, choices=ProspectStatus.choices, default=ProspectStatus.IDENTIFIED
    )
    contact_name = models.CharField(_("interlocuteur"), max_length=200, blank=True)
    need = models.TextField(_("besoin exprimé"), max_length=3000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("cible de prospection")
        verbose_name_plural = _("cibles de prospection")

    def __str__(self) -> str:
        return self.name


class ProspectAction(TimeStampedModel):
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("type d'action"), max_length=10, choices=ActionKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("compte rendu"), max_length=1000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]


class Lead(TimeStampedModel):
    """A prospect's need handed to a regional firm: a showcase contact request (its follow-up —
    read, answered, declined, deal signed and amount — is the showcase's own tracking)."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="leads")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The showcase's ContactRequest (an id: promotion keeps no foreign key into showcase's models).
    contact_id = models.PositiveIntegerField(_("demande de contact"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["prospect", "organisation"], name="promotion_lead_uniq")
        ]
