"""The training offer: courses of training bodies, their sessions, and the skills they teach.

A `Course` is an LHÉO "formation" (or a CSV row's course): what is taught, by which training
body (an `organisations.Organisation` of kind school or training body), towards which
certification, with which funding. A `Session` is one run of it: dates, place (a commune, hence a
department and a region) or distance learning, places, status. Imported records keep their source
key (`external_id`: the LHÉO `numero` or the CSV id), the raw record and its hash, so a rerun
updates, skips unchanged records and never overwrites a field a person edited (`edited_fields`).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from filiere.core.models import TimeStampedModel
from filiere.core.text import fold


class Funding(models.TextChoices):
    CPF = "cpf", _("CPF (compte personnel de formation)")
    REGION = "region", _("Région")
    FRANCE_TRAVAIL = "france_travail", _("France Travail (AIF)")
    OPCO = "opco", _("OPCO")
    STATE = "state", _("État (ministères)")
    EUROPE = "europe", _("Fonds européens")
    EMPLOYER = "employer", _("Employeur")
    AGEFIPH = "agefiph", _("Agefiph")
    PERSONAL = "personal", _("Financement personnel")
    OTHER = "other", _("Autre")


class TeachingMode(models.TextChoices):
    """LHÉO `dict-modalites-enseignement`: 0 présentiel, 1 mixte, 2 à distance."""

    ON_SITE = "0", _("Présentiel")
    BLENDED = "1", _("Mixte (présentiel et distance)")
    DISTANCE = "2", _("À distance")


class CourseSource(models.TextChoices):
    LHEO = "lheo", _("Import LHÉO")
    CSV = "csv", _("Import CSV")
    MANUAL = "manual", _("Saisie sur la plateforme")
    DEMO = "demo", _("Démonstration")


class Course(TimeStampedModel):
    """A training course of one training body."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="courses",
        verbose_name=_("organisme de formation"),
    )
    external_id = models.CharField(
        _("identifiant source"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Numéro LHÉO de la formation ou identifiant de la ligne CSV."),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CourseSource.choices, default=CourseSource.MANUAL
    )
    title = models.CharField(_("intitulé"), max_length=255)
    objectives = models.TextField(_("objectifs"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    description = models.TextField(_("contenu"), blank=True)
    duration_hours = models.PositiveIntegerField(_("durée (heures)"), null=True, blank=True)
    certification_code = models.CharField(
        _("code de certification"), max_length=20, blank=True, help_text=_("Par exemple RNCP35584 ou RS5487.")
    )
    certification_label = models.CharField(_("certification"), max_length=255, blank=True)
    formacode_codes = models.JSONField(_("codes Formacode"), default=list, blank=True)
    rome_codes = models.JSONField(_("codes ROME"), default=list, blank=True)
    esco_uris = models.JSONField(_("métiers ou compétences ESCO"), default=list, blank=True)
    funding = models.JSONField(_("financements possibles"), default=list, blank=True)
    teaching_mode = models.CharField(
        _("modalité"), max_length=1, choices=TeachingMode.choices, default=TeachingMode.ON_SITE
    )
    is_published = models.BooleanField(_("publiée"), default=True)
    skills = models.ManyToManyField(
        "taxonomy.Skill", through="CourseSkill", related_name="courses", verbose_name=_("compétences visées")
    )
    edited_fields = models.JSONField(_("champs modifiés à la main"), default=list, blank=True)
    raw = models.JSONField(_("enregistrement source"), null=True, blank=True)
    source_hash = models.CharField(max_length=32, blank=True)
    search_text = models.TextField(blank=True, editable=False, help_text="Folded text searched by words.")

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("formation")
        verbose_name_plural = _("formations")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The folded text makes word search accent-insensitive inside the database.
        self.search_text = fold(
            " ".join((self.title, self.objectives, self.expected_results, self.description))
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class SkillOrigin(models.TextChoices):
    EXTRACTED = "extracted", _("Trouvée dans le texte")
    IMPORTED = "imported", _("Code ROME/ESCO de la source")
    MANUAL = "manual", _("Ajoutée à la main")


class CourseSkill(models.Model):
    """A skill a course teaches, and how the platform knows it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey("taxonomy.Skill", on_delete=models.CASCADE, related_name="course_links")
    origin = models.CharField(_("origine"), max_length=10, choices=SkillOrigin.choices)
    score = models.FloatField(_("score"), default=1.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "skill"], name="training_course_skill_uniq")]
        verbose_name = _("compétence d'une formation")
        verbose_name_plural = _("compétences des formations")

    def __str__(self) -> str:
        return f"{self.course_id} → {self.skill_id}"


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FULL = "full", _("Complète")
    CANCELLED = "cancelled", _("Annulée")


class Session(TimeStampedModel):
    """One run of a course: dates, place or distance learning, places, status."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    external_id = models.CharField(
        _("identifiant source"), max_length=120, unique=True, null=True, blank=True
    )
    action_id = models.CharField(_("numéro d'action LHÉO"), max_length=120, blank=True)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    distance_learning = models.BooleanField(_("à distance"), default=False)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("commune"),
    )
    city = models.CharField(_("ville"), max_length=100, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    # Denormalised from the commune for the map and supply aggregates (one table, no join).
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True, db_index=True)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    edited_fields = models.JSONField(_("champs modifiés à la main"), default=list, blank=True)
    raw = models.JSONField(_("enregistrement source"), null=True, blank=True)
    source_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="training_session_dates"),
        ]
        indexes = [models.Index(fields=["start_date", "status"], name="training_session_upcoming")]

    def __str__(self) -> str:
        return f"{self.course} ({self.start_date:%d/%m/%Y})"
