"""Indicators the platform computes from its own data, by name (`Indicator.computed_key`).

Each computation takes the plan and returns a number, read through the owning app's selectors
(the directory's figures come from `organisations.selectors.region_figures`, the same numbers
as the home page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from filiere.roadmaps.models import Plan


@dataclass(frozen=True)
class ComputationSpec:
    key: str
    label: Promise | str
    unit: Promise | str
    function: Callable[[Plan], Decimal]


def digital_establishments_in_region(plan: Plan) -> Decimal:
    """Active establishments of the digital sector (INSEE c1385 flag) in the plan's region."""
    from filiere.organisations.selectors import region_figures

    return Decimal(region_figures(plan.region_id).digital_establishments)


def organisations_in_region(plan: Plan) -> Decimal:
    """Active organisations with at least one active establishment in the plan's region."""
    from filiere.organisations.selectors import region_figures

    return Decimal(region_figures(plan.region_id).organisations)


COMPUTATIONS: dict[str, ComputationSpec] = {
    spec.key: spec
    for spec in (
        ComputationSpec(
            "digital_establishments_in_region",
            _("Établissements actifs du secteur numérique dans la région (annuaire)"),
            _("établissements"),
            digital_establishments_in_region,
        ),
        ComputationSpec(
            "organisations_in_region",
            _("Organisations actives présentes dans la région (annuaire)"),
            _("organisations"),
            organisations_in_region,
        ),
    )
}


def compute(key: str, plan: Plan) -> Decimal:
    """Evaluate the computation `key` for `plan`; KeyError when the key is unknown."""
    return COMPUTATIONS[key].function(plan)
