"""A buyer's filters (text, territory, sectors, capacity, availability, size, validated only),
read from a query string or a saved search and written back, the published firms they allow, and
the buyer-facing application sectors (labels, keywords found in a text)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import translation

from filiere.core.text import fold

from ..models import Sector, ShowcaseProfile
from ..sectors import LABELS_EN

# Size bands a buyer picks, as INSEE headcount codes.
SIZE_BANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tpe": ("TPE (moins de 10 salariés)", ("NN", "00", "01", "02", "03")),
    "pme": ("PME (10 à 249 salariés)", ("11", "12", "21", "22", "31")),
    "eti": ("ETI (250 à 4 999 salariés)", ("32", "41", "42", "51")),
    "ge": ("Grande entreprise (5 000 et plus)", ("52", "53")),
}


@dataclass(frozen=True)
class ShowcaseFilters:
    """A buyer's search: free text and filters (empty = no filter)."""

    q: str = ""
    region: str = ""
    department: str = ""
    sector: tuple[str, ...] = ()
    capacity_min: int | None = None
    available_before: dt.date | None = None
    size: tuple[str, ...] = ()
    validated_only: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ShowcaseFilters:
        """Build filters from a QueryDict or a plain dict (saved searches); bad values are dropped."""

        def one(name: str) -> str:
            value = params.get(name)
            if isinstance(value, list):
                value = value[0] if value else ""
            return str(value or "").strip()

        def many(name: str, allowed: set[str]) -> tuple[str, ...]:
            getlist = getattr(params, "getlist", None)
            raw = getlist(name) if getlist else params.get(name) or []
            if isinstance(raw, str):
                raw = [raw]
            values: list[str] = []
            for value in raw:
                for part in str(value).split(","):
                    part = part.strip()
                    if part in allowed and part not in values:
                        values.append(part)
            return tuple(values)

        try:
            capacity = int(one("capacity_min")) if one("capacity_min") else None
            capacity = capacity if capacity and capacity > 0 else None
        except ValueError:
            capacity = None
        try:
            before = dt.date.fromisoformat(one("available_before")) if one("available_before") else None
        except ValueError:
            before = None
        code = re.compile(r"^[0-9AB]{2,3}$")
        region = one("region")[:3]
        department = one("department")[:3]
        return cls(
            q=str(params.get("q") or "") if not isinstance(params.get("q"), list) else str(params["q"][0]),
            region=region if code.match(region) else "",
            department=department if code.match(department) else "",
            sector=many("sector", set(Sector.objects.values_list("code", flat=True))),
            capacity_min=capacity,
            available_before=before,
            size=many("size", set(SIZE_BANDS)),
            validated_only=one("validated") in ("1", "true", "on", "oui"),
        )

    def as_params(self) -> list[tuple[str, str]]:
        """The search as query-string pairs."""
        pairs: list[tuple[str, str]] = []
        if self.q.strip():
            pairs.append(("q", self.q.strip()))
        for name in ("region", "department"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        pairs.extend(("sector", code) for code in self.sector)
        if self.capacity_min:
            pairs.append(("capacity_min", str(self.capacity_min)))
        if self.available_before:
            pairs.append(("available_before", self.available_before.isoformat()))
        pairs.extend(("size", code) for code in self.size)
        if self.validated_only:
            pairs.append(("validated", "1"))
        return pairs

    def as_json(self) -> dict[str, Any]:
        """The filters (without the text) as JSON for a saved search."""
        data: dict[str, Any] = {}
        for name, value in self.as_params():
            if name == "q":
                continue
            if name in ("sector", "size"):
                data.setdefault(name, []).append(value)
            else:
                data[name] = value
        return data


def filter_profiles(filters: ShowcaseFilters, queryset: QuerySet | None = None) -> QuerySet[ShowcaseProfile]:
    """Published profiles that pass the filters (not ordered)."""
    qs = ShowcaseProfile.objects.filter(is_published=True) if queryset is None else queryset
    if filters.region:
        qs = qs.filter(region_code=filters.region)
    if filters.department:
        qs = qs.filter(department_code=filters.department)
    if filters.sector:
        through = ShowcaseProfile.target_sectors.through
        # EXISTS rather than IN (subquery): SQLite would build the whole list of the sector's
        # firms even to check the 50 ranked ones; EXISTS is one index probe per firm looked at.
        qs = qs.filter(
            Exists(through.objects.filter(showcaseprofile_id=OuterRef("pk"), sector_id__in=filters.sector))
        )
    if filters.capacity_min:
        qs = qs.filter(capacity_now__gte=filters.capacity_min)
    if filters.available_before:
        qs = qs.filter(Q(capacity_now__gt=0) | Q(available_from__lte=filters.available_before))
    if filters.size:
        bands = [band for code in filters.size for band in SIZE_BANDS[code][1]]
        qs = qs.filter(headcount_band__in=bands)
    if filters.validated_only:
        qs = qs.filter(validated_count__gt=0)
    return qs


def buyer_sectors() -> QuerySet[Sector]:
    """The buyer-facing application sectors, in their display order (read by promotion)."""
    return Sector.objects.all()


def sector_label(sector: Sector) -> str:
    """The sector's label in the active language (English from `sectors.LABELS_EN`)."""
    if translation.get_language() == "en":
        return LABELS_EN.get(sector.code, sector.label)
    return sector.label


def get_buyer_sector(code: str) -> Sector:
    """The sector named by a request, else 404."""
    sector = Sector.objects.filter(code=str(code)[:30]).first()
    if sector is None:
        raise Http404
    return sector


def detect_sectors(text: str) -> list[Sector]:
    """Sectors named in a buyer's text by their folded keywords ("ferroviaire" → rail)."""
    folded = f" {' '.join(re.findall(r'[a-z0-9-]+', fold(text)))} "
    return [s for s in Sector.objects.all() if any(f" {kw} " in folded for kw in s.keywords)]
