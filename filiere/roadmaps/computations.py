"""Indicators the platform computes from its own data, by name (`Indicator.computed_key`).

The computations belong to the apps whose data they count: each app names its list of
`core.indicators.Computation` in its `AppConfig` (`roadmap_computations`), and this module
collects them through the app registry, so `roadmaps` imports none of those apps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from filiere.core.indicators import Computation

if TYPE_CHECKING:
    from filiere.roadmaps.models import Plan


def computations() -> dict[str, Computation]:
    """Every registered computation by key, in INSTALLED_APPS order then each app's order."""
    found: dict[str, Computation] = {}
    for config in apps.get_app_configs():
        path = getattr(config, "roadmap_computations", None)
        if not path:
            continue
        for computation in import_string(path):
            if computation.key in found:
                raise ImproperlyConfigured(f"Roadmap computation {computation.key!r} is registered twice.")
            found[computation.key] = computation
    return found


def compute(key: str, plan: Plan) -> Decimal:
    """Evaluate the computation `key` for `plan`'s region; KeyError when the key is unknown."""
    return computations()[key].function(plan.region_id)
