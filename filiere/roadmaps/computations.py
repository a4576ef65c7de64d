"""Indicators the platform computes from its own data, by name (`Indicator.computed_key`).

Each computation takes the plan and returns a number. The queries read the directory
directly for now; they will move to `organisations.selectors` once that module exists, and
this registry will then only map names to those selectors.
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
    from filiere.organisations.models import Establishment, State

    # Moves to an organisations selector; uses the (region_code, is_digital, state) index.
    count = Establishment.objects.filter(
        region_code=plan.region_id, is_digital=True, state=State.ACTIVE
    ).count()
    return Decimal(count)


def organisations_in_region(plan: Plan) -> Decimal:
    """Active organisations with at least one active establishment in the plan's region."""
    from filiere.organisations.models import Establishment, Organisation, State

    # Moves to an organisations selector.
    in_region = Establishment.objects.filter(region_code=plan.region_id, state=State.ACTIVE).values(
        "organisation_id"
    )
    return Decimal(Organisation.objects.filter(state=State.ACTIVE, pk__in=in_region).count())


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
