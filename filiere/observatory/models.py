"""Observatory figures: aggregates computed from the directory, and official figures entered by staff.

`Aggregate` rows are derived data, rebuilt as a whole by `aggregates.recompute_aggregates()`
(never edited); `AggregateRun` says when they were computed. `OfficialFigure` rows are published
figures (employment, share of women...) typed in by staff with their source and licence.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    FRANCE = "france", _("France")
    REGION = "region", _("Région")
    OLD_REGION = "old_region", _("Ancienne région (avant 2016)")
    DEPARTMENT = "department", _("Département")
    EPCI = "epci", _("Intercommunalité (EPCI)")


#: The code of the single France-wide territory.
FRANCE_CODE = "FR"


class Aggregate(models.Model):
    """Figures of one territory, one year and one slice of activity, computed from the directory.

    `naf_code` is "" for every activity, a NAF division ("62") or a sous-classe ("62.01Z");
    divisions and sous-classes exist for digital establishments only (`digital_only` true).
    `establishments_active` and `estimated_jobs` are at 31 December of `year` (today for the
    current year); `creations` and `closures` happen during `year`.
    """

    territory_level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    year = models.PositiveSmallIntegerField(_("année"))
    naf_code = models.CharField(_("code NAF"), max_length=6, blank=True)
    digital_only = models.BooleanField(_("secteur numérique seulement"), default=True)
    establishments_active = models.PositiveIntegerField(_("établissements actifs"), default=0)
    creations = models.PositiveIntegerField(_("créations"), default=0)
    closures = models.PositiveIntegerField(_("fermetures"), default=0)
    estimated_jobs = models.PositiveIntegerField(_("emplois estimés"), default=0)
    computed_at = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("agrégat")
        verbose_name_plural = _("agrégats")
        constraints = [
            models.UniqueConstraint(
                fields=["territory_level", "territory_code", "digital_only", "naf_code", "year"],
                name="observatory_aggregate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory_level} {self.territory_code} {self.year} {self.naf_code or '*'}"


class BandAggregate(models.Model):
    """Active establishments of a territory today, by INSEE headcount band (digital sector or all)."""

    territory_level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    digital_only = models.BooleanField(_("secteur numérique seulement"), default=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True)
    establishments_active = models.PositiveIntegerField(_("établissements actifs"), default=0)
    estimated_jobs = models.PositiveIntegerField(_("emplois estimés"), default=0)
    computed_at = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("agrégat par tranche d'effectif")
        verbose_name_plural = _("agrégats par tranche d'effectif")
        constraints = [
            models.UniqueConstraint(
                fields=["territory_level", "territory_code", "digital_only", "headcount_band"],
                name="observatory_band_aggregate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory_level} {self.territory_code} {self.headcount_band or '?'}"


class AggregateRun(models.Model):
    """One recomputation of the aggregates: when, how long, how much."""

    started_at = models.DateTimeField(_("début"))
    finished_at = models.DateTimeField(_("fin"))
    establishments = models.PositiveIntegerField(_("établissements lus"), default=0)
    rows = models.PositiveIntegerField(_("lignes écrites"), default=0)
    first_year = models.PositiveSmallIntegerField(_("première année"))
    last_year = models.PositiveSmallIntegerField(_("dernière année"))

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"
        verbose_name = _("calcul des agrégats")
        verbose_name_plural = _("calculs des agrégats")

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


class Indicator(models.TextChoices):
    EMPLOYMENT = "employment", _("Emplois (salariés du numérique)")
    WOMEN_SHARE = "women_share", _("Part des femmes dans les emplois du numérique")
    ESTABLISHMENTS = "establishments", _("Établissements du numérique")
    COMPANIES = "companies", _("Entreprises du numérique")
    EMPLOYMENT_GROWTH = "employment_growth", _("Croissance annuelle des emplois")
    ESTABLISHMENT_GROWTH = "establishment_growth", _("Croissance des établissements sur la période")


class OfficialFigure(models.Model):
    """A published figure for a territory and a year, with its source: entered by staff (admin)."""

    indicator = models.CharField(_("indicateur"), max_length=30, choices=Indicator.choices)
    territory_level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    year = models.PositiveSmallIntegerField(_("année"))
    end_year = models.PositiveSmallIntegerField(
        _("fin de période"), null=True, blank=True, help_text=_("Pour une évolution : dernière année.")
    )
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=255)
    source_url = models.URLField(_("adresse de la source"), blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["territory_level", "territory_code", "indicator", "year"]
        verbose_name = _("chiffre officiel")
        verbose_name_plural = _("chiffres officiels")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory_level", "territory_code", "year", "source"],
                name="observatory_official_figure_unique",
            )
        ]
        indexes = [
            models.Index(fields=["territory_level", "territory_code"], name="obs_figure_territory_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.territory_code} {self.year}"


# --- What changed in the directory after a SIRENE update (`changes.py`) -----------------------


class ChangeKind(models.TextChoices):
    CLOSURE = "closure", _("Fermeture")
    MOVE = "move", _("Déménagement")
    NAF = "naf", _("Nouveau code NAF")
    NEW_DIGITAL = "new_digital", _("Nouvel établissement numérique")


class ChangeRun(models.Model):
    """One comparison of the SIRENE establishments with their state at the previous run.

    The first run only records the states (`baseline`): there is nothing to compare with yet."""

    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    import_run = models.ForeignKey(
        "core.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    baseline = models.BooleanField(_("état initial"), default=False)
    establishments = models.PositiveIntegerField(_("établissements lus"), default=0)
    changes = models.PositiveIntegerField(_("changements"), default=0)
    recipients = models.PositiveIntegerField(_("destinataires du résumé"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("comparaison SIRENE")
        verbose_name_plural = _("comparaisons SIRENE")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.changes})"


class EstablishmentState(models.Model):
    """The state of a SIRENE establishment at the last run: what the next run compares with."""

    establishment = models.OneToOneField(
        "organisations.Establishment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    state = models.CharField(max_length=1, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)
    naf_code = models.CharField(max_length=6, blank=True)
    is_digital = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("état SIRENE connu")
        verbose_name_plural = _("états SIRENE connus")

    def __str__(self) -> str:
        return f"{self.pk} {self.state} {self.commune_code} {self.naf_code}"


class DirectoryChange(models.Model):
    """One change of one establishment found by a run (a closure, a move, a new NAF code, a new
    digital establishment). The name is empty for a non-diffusible establishment."""

    run = models.ForeignKey(ChangeRun, on_delete=models.CASCADE, related_name="change_rows")
    kind = models.CharField(_("changement"), max_length=12, choices=ChangeKind.choices)
    establishment = models.ForeignKey(
        "organisations.Establishment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    name = models.CharField(_("nom"), max_length=255, blank=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    before = models.CharField(_("avant"), max_length=100, blank=True)
    after = models.CharField(_("après"), max_length=100, blank=True)

    class Meta:
        ordering = ["kind", "region_code", "department_code", "name"]
        verbose_name = _("changement de l'annuaire")
        verbose_name_plural = _("changements de l'annuaire")
        indexes = [models.Index(fields=["run", "region_code", "kind"], name="obs_change_run_region_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.siret}"
