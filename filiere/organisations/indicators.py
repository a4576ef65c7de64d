"""The directory's figures for roadmap indicators (`core.indicators`), the same numbers as the
home page (`selectors.region_figures`)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from filiere.core.indicators import Computation

from .selectors import region_figures


def digital_establishments_in_region(region_code: str) -> Decimal:
    """Active establishments of the digital sector (INSEE c1385 flag) in the region."""
    return Decimal(region_figures(region_code).digital_establishments)


def organisations_in_region(region_code: str) -> Decimal:
    """Active organisations with at least one active establishment in the region."""
    return Decimal(region_figures(region_code).organisations)


COMPUTATIONS = [
    Computation(
        "digital_establishments_in_region",
        _("Établissements actifs du secteur numérique dans la région (annuaire)"),
        _("établissements"),
        digital_establishments_in_region,
    ),
    Computation(
        "organisations_in_region",
        _("Organisations actives présentes dans la région (annuaire)"),
        _("organisations"),
        organisations_in_region,
    ),
]
