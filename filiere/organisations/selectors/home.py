"""The home page's figures: active digital establishments per region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from filiere.territories.models import Region

from ..models import Establishment, State

if TYPE_CHECKING:
    pass


@dataclass
class RegionCount:
    code: str
    name: str
    digital_establishments: int
    organisations: int


def _active_establishments() -> QuerySet:
    return Establishment.objects.filter(state=State.ACTIVE)


def region_figures(region_code: str) -> RegionCount:
    """One region's figures, with the same definitions as `region_counts` (the home page):
    active digital-sector establishments, and active organisations with an active establishment
    there. Roadmap indicators computed by the platform read them here, so the two never differ."""
    active = _active_establishments().filter(region_code=region_code)
    organisations = (
        active.filter(organisation__state=State.ACTIVE).values("organisation_id").distinct().count()
    )
    name = Region.objects.filter(code=region_code).values_list("name", flat=True).first() or region_code
    return RegionCount(region_code, name, active.filter(is_digital=True).count(), organisations)


def region_counts() -> list[RegionCount]:
    """Per region: active digital-sector establishments and active organisations present there.

    Regions without any establishment are left out; ordered by name.
    """
    active = _active_establishments().exclude(region_code="")
    digital = dict(
        active.filter(is_digital=True).order_by().values_list("region_code").annotate(n=Count("id"))
    )
    organisations = dict(
        active.filter(organisation__state=State.ACTIVE)
        .order_by()
        .values_list("region_code")
        .annotate(n=Count("organisation_id", distinct=True))
    )
    names = dict(Region.objects.values_list("code", "name"))
    codes = set(digital) | set(organisations)
    rows = [
        RegionCount(code, names.get(code, code), digital.get(code, 0), organisations.get(code, 0))
        for code in codes
    ]
    return sorted(rows, key=lambda r: r.name)


def home_context() -> dict[str, Any]:
    """The home page's per-region cards (registered as `home_context` in the AppConfig)."""
    return {"regions": region_counts()}
