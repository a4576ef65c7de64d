"""The directory: organisations of every kind, their establishments and typed relations.

A legal unit (SIREN) is an `Organisation`; each `Establishment` (SIRET) hangs under one.
Actors with no SIRET (a TechOnMap third place, a cluster entered by hand) still get one
establishment without SIRET, so the directory searches a single table of places.
Search columns are denormalised on `Establishment` (territory codes, NAF, digital flag, kind,
state, folded text) so that a search with facets touches one table.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filiere.core.models import TimeStampedModel


class Kind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    CLUSTER = "cluster", _("Cluster / réseau")
    INCUBATOR = "incubator", _("Incubateur / accélérateur")
    TECHNOPOLE = "technopole", _("Technopole")
    THIRD_PLACE = "third_place", _("Tiers-lieu")
    SCHOOL = "school", _("École / université")
    TRAINING_BODY = "training_body", _("Organisme de formation")
    LAB = "lab", _("Laboratoire de recherche")
    INVESTOR = "investor", _("Investisseur")
    PUBLIC_BODY = "public_body", _("Acteur public")
    COMMUNITY = "community", _("Communauté")


class Source(models.TextChoices):
    SIRENE = "sirene", _("SIRENE (INSEE)")
    TECHONMAP = "techonmap", _("TechOnMap")
    SEED = "seed", _("Articles de référence")
    GENERATED = "generated", _("Généré (démonstration)")
    MANUAL = "manual", _("Saisie sur la plateforme")


class State(models.TextChoices):
    ACTIVE = "A", _("Active")
    CLOSED = "F", _("Fermée")


class HeadcountBand(models.TextChoices):
    """INSEE `trancheEffectifs` codes."""

    NN = "NN", _("Non employeuse")
    B00 = "00", _("0 salarié")
    B01 = "01", _("1 ou 2 salariés")
    B02 = "02", _("3 à 5 salariés")
    B03 = "03", _("6 à 9 salariés")
    B11 = "11", _("10 à 19 salariés")
    B12 = "12", _("20 à 49 salariés")
    B21 = "21", _("50 à 99 salariés")
    B22 = "22", _("100 à 199 salariés")
    B31 = "31", _("200 à 249 salariés")
    B32 = "32", _("250 à 499 salariés")
    B41 = "41", _("500 à 999 salariés")
    B42 = "42", _("1 000 à 1 999 salariés")
    B51 = "51", _("2 000 à 4 999 salariés")
    B52 = "52", _("5 000 à 9 999 salariés")
    B53 = "53", _("10 000 salariés et plus")


#: Midpoint of each INSEE headcount band (salaried jobs): the observatory's job estimate and the
#: demo's sizing. "NN" (no employee) and "00" count 0, the open top band "53" (10,000 and more)
#: counts its lower bound. Unknown band: 0.
BAND_MIDPOINTS: dict[str, float] = {
    "NN": 0,
    "00": 0,
    "01": 1.5,
    "02": 4,
    "03": 7.5,
    "11": 14.5,
    "12": 34.5,
    "21": 74.5,
    "22": 149.5,
    "31": 224.5,
    "32": 374.5,
    "41": 749.5,
    "42": 1499.5,
    "51": 3499.5,
    "52": 7499.5,
    "53": 10000,
}


# Headcount bands from the biggest to the smallest, then non-employers (unknown bands go last).
HEADCOUNT_ORDER = (
    "53",
    "52",
    "51",
    "42",
    "41",
    "32",
    "31",
    "22",
    "21",
    "12",
    "11",
    "03",
    "02",
    "01",
    "00",
    "NN",
)


class EditableRecord(TimeStampedModel):
    """A record fed by an import that people can also edit.

    `edited_fields` lists the fields a person changed on the platform: importers never overwrite
    them. `raw` keeps the last source record as received; `source_hash` lets a rerun skip
    unchanged records without comparing field by field.
    """

    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    edited_fields = models.JSONField(_("champs modifiés à la main"), default=list, blank=True)
    raw = models.JSONField(_("enregistrement source"), null=True, blank=True)
    source_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class Organisation(EditableRecord):
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.COMPANY, db_index=True
    )
    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=60, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, null=True, blank=True)
    legal_category = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    company_category = models.CharField(_("catégorie d'entreprise"), max_length=3, blank=True)  # PME, ETI, GE
    naf_code = models.CharField(_("activité principale (NAF)"), max_length=6, blank=True, db_index=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True)
    is_digital = models.BooleanField(_("secteur numérique"), default=False)
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=1, choices=State.choices, default=State.ACTIVE)
    closure_date = models.DateField(_("date de fermeture"), null=True, blank=True)
    is_diffusible = models.BooleanField(_("diffusible"), default=True)
    is_ess = models.BooleanField(_("économie sociale et solidaire"), default=False)
    is_generated = models.BooleanField(
        _("généré"), default=False, help_text=_("Donnée de démonstration générée, pas un acteur réel.")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Establishment(EditableRecord):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="establishments")
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, null=True, blank=True)
    is_head_office = models.BooleanField(_("siège"), default=False)
    name = models.CharField(_("nom affiché"), max_length=255, blank=True)
    sign = models.CharField(_("enseigne"), max_length=255, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="establishments",
    )
    commune_code = models.CharField(_("code commune"), max_length=5, blank=True)
    # Denormalised from the commune and the organisation, for one-table search with facets.
    department_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    # No index of its own: estab_facets_idx and the (region_code, name, id) index start with it.
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.COMPANY, db_index=True
    )
    naf_code = models.CharField(_("activité principale (NAF)"), max_length=6, blank=True, db_index=True)
    naf_nomenclature = models.CharField(max_length=8, blank=True)
    is_digital = models.BooleanField(_("secteur numérique"), default=False, db_index=True)
    headcount_band = models.CharField(_("tranche d'effectif"), max_length=2, blank=True, db_index=True)
    headcount_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_employer = models.BooleanField(null=True, blank=True)
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    # Two values, ~85 % active: an index of its own was never chosen (estab_facets_idx holds it).
    state = models.CharField(_("état"), max_length=1, choices=State.choices, default=State.ACTIVE)
    closure_date = models.DateField(_("date de fermeture"), null=True, blank=True)
    is_diffusible = models.BooleanField(_("diffusible"), default=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    search_text = models.TextField(blank=True, help_text="Folded text indexed by full-text search.")
    # The directory's order when browsing without text (lower first): open and diffusible
    # establishments before closed or non-diffusible ones, then the biggest headcount first.
    # Computed by the database, so no importer or loader can forget it.
    directory_rank = models.GeneratedField(
        expression=models.Case(
            models.When(state=State.CLOSED, then=models.Value(40)),
            models.When(is_diffusible=False, then=models.Value(20)),
            default=models.Value(0),
        )
        + models.Case(
            *(
                models.When(headcount_band=band, then=models.Value(i))
                for i, band in enumerate(HEADCOUNT_ORDER)
            ),
            default=models.Value(len(HEADCOUNT_ORDER)),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        indexes = [
            models.Index(fields=["region_code", "is_digital", "state"], name="estab_facets_idx"),
            # Browsing without text: a region's page, or the digital sector of all France.
            models.Index(
                fields=["region_code", "directory_rank", "name", "id"], name="estab_region_rank_idx"
            ),
            models.Index(
                fields=["is_digital", "directory_rank", "name", "id"], name="estab_digital_rank_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.organisation.name} ({self.siret or '—'})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every establishment must be findable by its name: a loader or a test that creates one
        # without the folded text (importers write it in bulk) gets it here, so the directory
        # never holds a row the full-text index cannot find.
        if not self.search_text and self.organisation_id:
            from .search import establishment_search_text

            self.search_text = establishment_search_text(self.organisation, self)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class College(models.Model):
    """A college of a cluster's membership (companies, training, research, public bodies...)."""

    cluster = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="colleges")
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["cluster", "name"]
        unique_together = [("cluster", "name")]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")

    def __str__(self) -> str:
        return f"{self.cluster} — {self.name}"


class RelationKind(models.TextChoices):
    MEMBER_OF = "member_of", _("membre de")
    INCUBATED_BY = "incubated_by", _("incubée par")
    PARTNER_OF = "partner_of", _("partenaire de")
    FUNDED_BY = "funded_by", _("financée par")


class Relation(TimeStampedModel):
    """A typed, directed relation: `source` is <kind> `target` (X member of cluster Y)."""

    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("type"), max_length=20, choices=RelationKind.choices)
    college = models.ForeignKey(College, on_delete=models.SET_NULL, null=True, blank=True)
    start_date = models.DateField(_("depuis"), null=True, blank=True)
    end_date = models.DateField(_("jusqu'au"), null=True, blank=True)
    note = models.CharField(_("précision"), max_length=255, blank=True)

    class Meta:
        unique_together = [("source", "target", "kind")]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("en préparation")
    READY = "ready", _("prêt")
    FAILED = "failed", _("échec")


class DirectoryExport(models.Model):
    """A spreadsheet of a directory search, built by the task worker for a signed-in user.

    The file is kept in the database (a few MB at most: SPREADSHEET_MAX_ROWS rows) and deleted
    EXPORT_RETENTION after it was asked for (see `exports.request_export`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_exports"
    )
    fmt = models.CharField(max_length=4)
    query = models.TextField(blank=True)  # the search's GET parameters, as in the page's address
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    row_count = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.fmt} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"
