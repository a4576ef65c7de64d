"""Reference taxonomies: NAF rév. 2, ROME 4.0, ESCO, and the `Skill` concept shared by all apps.

Official codes are the primary keys (NAF code, ROME code, OGR code, ESCO URI) so that importers
upsert on them and other apps can store the code they read in a source file directly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NafLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUPE = "groupe", _("Groupe")
    CLASSE = "classe", _("Classe")
    SOUS_CLASSE = "sous_classe", _("Sous-classe")


class NafCode(models.Model):
    """A NAF rév. 2 code at any of its five levels ("J", "62", "62.0", "62.01", "62.01Z")."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    level = models.CharField(_("niveau"), max_length=11, choices=NafLevel.choices)
    label = models.CharField(_("libellé"), max_length=255)
    label_65 = models.CharField(_("libellé (65 caractères)"), max_length=65, blank=True)
    label_40 = models.CharField(_("libellé (40 caractères)"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_digital = models.BooleanField(
        _("secteur numérique (TIC)"), default=False, help_text=_("Définition INSEE c1385 du secteur des TIC.")
    )
    ict_subsector = models.CharField(_("sous-secteur TIC"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("code NAF")
        verbose_name_plural = _("codes NAF")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class RomeMetier(models.Model):
    """A ROME 4.0 fiche métier (e.g. M1805 "Études et développement informatique")."""

    code = models.CharField(_("code ROME"), max_length=5, primary_key=True)
    code_ogr = models.CharField(_("code OGR"), max_length=10, blank=True)
    label = models.CharField(_("libellé"), max_length=255)
    transition_eco = models.CharField(_("transition écologique"), max_length=100, blank=True)
    transition_num = models.BooleanField(_("transition numérique"), default=False)
    transition_demo = models.BooleanField(_("transition démographique"), default=False)
    regulated = models.BooleanField(_("emploi réglementé"), default=False)
    executive = models.BooleanField(_("emploi cadre"), default=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    naf_sectors = models.ManyToManyField(
        "RomeNafSector", blank=True, related_name="metiers", verbose_name=_("secteurs NAF")
    )
    competences = models.ManyToManyField(
        "RomeCompetence",
        through="RomeMetierCompetence",
        related_name="metiers",
        verbose_name=_("compétences"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("métier ROME")
        verbose_name_plural = _("métiers ROME")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class RomeAppellation(models.Model):
    """A job title (appellation) attached to one ROME métier."""

    code_ogr = models.CharField(_("code OGR"), max_length=10, primary_key=True)
    label = models.CharField(_("libellé"), max_length=255)
    label_short = models.CharField(_("libellé court"), max_length=255, blank=True)
    metier = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="appellations")
    classification = models.CharField(_("classification"), max_length=30, blank=True)
    transition_num = models.BooleanField(_("transition numérique"), default=False)
    rarely_used = models.BooleanField(_("peu usité"), default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("appellation ROME")
        verbose_name_plural = _("appellations ROME")

    def __str__(self) -> str:
        return self.label


class RomeItemKind(models.TextChoices):
    COMPETENCE = "competence", _("Compétence (savoir-faire, savoir-être)")
    SAVOIR = "savoir", _("Savoir")


class RomeCompetence(models.Model):
    """A ROME compétence or savoir: one table, told apart by ``kind``, as métier links mix both."""

    code_ogr = models.CharField(_("code OGR"), max_length=10, primary_key=True)
    kind = models.CharField(_("type"), max_length=10, choices=RomeItemKind.choices)
    nature = models.CharField(_("nature"), max_length=30, blank=True)  # Compétence / Macro-compétence
    label = models.CharField(_("libellé"), max_length=500)
    definition = models.TextField(_("définition"), blank=True)
    category = models.CharField(_("catégorie"), max_length=100, blank=True)
    sub_category = models.CharField(_("sous-catégorie"), max_length=100, blank=True)
    transition_num = models.BooleanField(_("transition numérique"), default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("compétence ROME")
        verbose_name_plural = _("compétences ROME")

    def __str__(self) -> str:
        return self.label


class RomeMetierCompetence(models.Model):
    """Métier ↔ compétence/savoir link (``unix_coherence_item``); core items are flagged."""

    metier = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="competence_links")
    competence = models.ForeignKey(RomeCompetence, on_delete=models.CASCADE, related_name="metier_links")
    is_core = models.BooleanField(_("cœur de métier"), default=False)
    core_kind = models.CharField(
        _("type de cœur de métier"), max_length=20, blank=True
    )  # Principale / Émergente

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metier", "competence"], name="taxonomy_metier_comp_uniq")
        ]
        verbose_name = _("lien métier-compétence")
        verbose_name_plural = _("liens métier-compétence")

    def __str__(self) -> str:
        return f"{self.metier_id} → {self.competence_id}"


class RomeNafSector(models.Model):
    """A ROME "secteur NAF" (a NAF division, or 0 = all sectors) to which métiers are attached."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    label = models.CharField(_("libellé"), max_length=255)
    naf_division = models.ForeignKey(
        NafCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="rome_sectors",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("secteur NAF (ROME)")
        verbose_name_plural = _("secteurs NAF (ROME)")

    def __str__(self) -> str:
        return self.label


class RomeMobility(models.Model):
    """A mobility suggested by ROME from one métier to another, in the official order."""

    source = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="mobilities")
    target = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="incoming_mobilities")
    target_appellation = models.ForeignKey(
        RomeAppellation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type de mobilité"), max_length=30, blank=True)

    class Meta:
        ordering = ["source", "order"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="taxonomy_mobility_uniq")]
        verbose_name = _("mobilité ROME")
        verbose_name_plural = _("mobilités ROME")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class EscoSkill(models.Model):
    """An ESCO skill or knowledge concept, with its French labels."""

    uri = models.CharField(_("URI"), max_length=120, primary_key=True)
    label_fr = models.CharField(_("libellé"), max_length=500, blank=True)
    alt_labels_fr = models.JSONField(_("libellés alternatifs"), default=list, blank=True)
    label_en = models.CharField(_("libellé (anglais)"), max_length=500, blank=True)
    skill_type = models.CharField(_("type"), max_length=30, blank=True)  # skill/competence, knowledge
    reuse_level = models.CharField(_("niveau de réutilisation"), max_length=30, blank=True)
    broader_uris = models.JSONField(_("concepts parents"), default=list, blank=True)
    is_digital = models.BooleanField(_("compétence numérique"), default=False)
    is_transversal = models.BooleanField(_("compétence transversale"), default=False)

    class Meta:
        ordering = ["label_fr"]
        verbose_name = _("compétence ESCO")
        verbose_name_plural = _("compétences ESCO")

    def __str__(self) -> str:
        return self.label_fr or self.label_en


class EscoOccupation(models.Model):
    """An ESCO occupation; ``broader_uri`` is its parent occupation or ISCO group."""

    uri = models.CharField(_("URI"), max_length=120, primary_key=True)
    code = models.CharField(_("code"), max_length=30, blank=True, db_index=True)
    isco_group = models.CharField(_("groupe CITP/ISCO"), max_length=4, blank=True, db_index=True)
    label_fr = models.CharField(_("libellé"), max_length=500, blank=True)
    alt_labels_fr = models.JSONField(_("libellés alternatifs"), default=list, blank=True)
    label_en = models.CharField(_("libellé (anglais)"), max_length=500, blank=True)
    broader_uri = models.CharField(_("concept parent"), max_length=120, blank=True)
    skills = models.ManyToManyField(EscoSkill, through="EscoOccupationSkill", related_name="occupations")

    class Meta:
        ordering = ["label_fr"]
        verbose_name = _("métier ESCO")
        verbose_name_plural = _("métiers ESCO")

    def __str__(self) -> str:
        return self.label_fr or self.label_en


class EscoRelation(models.TextChoices):
    ESSENTIAL = "essential", _("Essentielle")
    OPTIONAL = "optional", _("Optionnelle")


class EscoOccupationSkill(models.Model):
    """Occupation → skill relation, essential or optional."""

    occupation = models.ForeignKey(EscoOccupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(EscoSkill, on_delete=models.CASCADE, related_name="occupation_links")
    relation = models.CharField(_("relation"), max_length=10, choices=EscoRelation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="taxonomy_occ_skill_uniq")
        ]
        verbose_name = _("compétence d'un métier ESCO")
        verbose_name_plural = _("compétences des métiers ESCO")

    def __str__(self) -> str:
        return f"{self.occupation_id} → {self.skill_id} ({self.relation})"


class SkillKind(models.TextChoices):
    ESCO = "esco", _("ESCO")
    ROME = "rome", _("ROME")
    LOCAL = "local", _("Locale")


class Skill(models.Model):
    """The one skill concept the other apps point to.

    It wraps an ESCO skill and/or a ROME compétence, or is a local skill a cluster adds (then it
    has an owner organisation). Created automatically for every ESCO skill and ROME item on load.
    """

    label = models.CharField(_("libellé"), max_length=500)
    kind = models.CharField(_("origine"), max_length=5, choices=SkillKind.choices)
    esco_skill = models.OneToOneField(
        EscoSkill, on_delete=models.CASCADE, null=True, blank=True, related_name="skill"
    )
    rome_competence = models.OneToOneField(
        RomeCompetence, on_delete=models.CASCADE, null=True, blank=True, related_name="skill"
    )
    # An id rather than a FK so that taxonomy (reference data) does not depend on organisations.
    owner_organisation_id = models.IntegerField(
        _("organisation propriétaire"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Pour une compétence locale : l'organisation qui l'a ajoutée."),
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")

    def __str__(self) -> str:
        return self.label
