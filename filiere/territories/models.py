"""Territories of France from the COG (Code officiel géographique), with GeoJSON outlines.

Codes are the primary keys: a commune is its INSEE code, so importers and aggregates can use
the official code directly without a lookup.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from filiere.core.text import fold

_SEPARATORS = re.compile(r"[\s'\-]+")


def name_search_key(name: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a place name: "Saint-Étienne" -> "saint etienne"."""
    return _SEPARATORS.sub(" ", fold(name)).strip()


class Zone(models.TextChoices):
    METRO = "metro", _("Métropole")
    DROM = "drom", _("Outre-mer (DROM)")
    COM = "com", _("Collectivité d'outre-mer")


class Region(models.Model):
    """A current region (since 2016)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)
    chef_lieu = models.CharField(_("chef-lieu"), max_length=5, blank=True)
    outline = models.JSONField(_("contour GeoJSON"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name


class FormerRegion(models.Model):
    """A region as it was before the 2016 reform (Languedoc-Roussillon, Alsace...)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    successor = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="former_regions", verbose_name=_("région actuelle")
    )
    outline = models.JSONField(_("contour GeoJSON"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ancienne région")
        verbose_name_plural = _("anciennes régions")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    former_region = models.ForeignKey(
        FormerRegion, on_delete=models.PROTECT, null=True, blank=True, related_name="departments"
    )
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices, default=Zone.METRO)
    chef_lieu = models.CharField(_("chef-lieu"), max_length=5, blank=True)
    outline = models.JSONField(_("contour GeoJSON"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    """Établissement public de coopération intercommunale, keyed by its SIREN."""

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=5)  # CC, CA, CU, METRO, MET69
    financing = models.CharField(_("mode de financement"), max_length=10, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name


class CommuneKind(models.TextChoices):
    CURRENT = "commune-actuelle", _("Commune")
    DELEGATED = "commune-deleguee", _("Commune déléguée")
    ASSOCIATED = "commune-associee", _("Commune associée")
    ARRONDISSEMENT = "arrondissement-municipal", _("Arrondissement municipal")


class Commune(models.Model):
    """A commune (current, delegated, associated) or a municipal arrondissement (Paris, Lyon, Marseille).

    The key is the INSEE code, except for the 584 delegated communes that share their code with
    the commune nouvelle they belong to: those get the suffix "D" (e.g. "01015D"), so an INSEE
    code read from SIRENE always resolves to the current commune. ``insee_code`` always holds
    the official code.
    """

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, db_index=True, default="")
    name = models.CharField(_("nom"), max_length=200)
    search_name = models.CharField(_("nom normalisé"), max_length=200, db_index=True, default="")
    kind = models.CharField(
        _("type"), max_length=30, choices=CommuneKind.choices, default=CommuneKind.CURRENT
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Commune de rattachement (communes déléguées, associées, arrondissements)."),
    )
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.department_id})"
