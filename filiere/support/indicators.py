"""Figures the support app offers to roadmap indicators (`core.indicators`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from filiere.core.indicators import Computation

from .reports import companies_supported_this_year

COMPUTATIONS = [
    Computation(
        key="support_companies_supported_this_year",
        label=_("Entreprises accompagnées cette année (une fois par SIREN)"),
        unit=_("entreprises"),
        function=companies_supported_this_year,
    ),
]
