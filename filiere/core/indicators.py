"""Figures an app computes from its own data for roadmap indicators (`Indicator.computed_key`).

An app offers computations by naming a list of `Computation` in its `AppConfig`:

    class SupportConfig(AppConfig):
        roadmap_computations = "filiere.support.indicators.COMPUTATIONS"

Each function takes a region's COG code (what `Plan.region_id` holds) and returns the value,
read through the app's own selectors so the indicator shows the same number as the app's pages.
`roadmaps.computations` collects the lists through the app registry: `core` imports no app and
`roadmaps` names none. Keys are stored in `Indicator.computed_key`: never rename one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise


@dataclass(frozen=True)
class Computation:
    """One computed figure: a stable `key`, what it counts (`label`) and its `unit`."""

    key: str
    label: str | Promise
    unit: str | Promise
    function: Callable[[str], Decimal]
