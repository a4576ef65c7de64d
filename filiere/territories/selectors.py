"""Reads of territories shared by the views, the API and other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet

from filiere.territories.models import Commune, Department, FormerRegion, Region, name_search_key

COMMUNE_SEARCH_LIMIT = 20


def region_list(*, with_departments: bool = False) -> QuerySet[Region]:
    """All current regions ordered by name, optionally with their departments prefetched (without
    their outlines, which only the GeoJSON reads: decoding the 101 outlines cost a second)."""
    qs = Region.objects.defer("outline")
    if with_departments:
        qs = qs.prefetch_related(Prefetch("departments", queryset=Department.objects.defer("outline")))
    return qs


def department_list(*, region_code: str | None = None) -> QuerySet[Department]:
    """Departments ordered by code, optionally those of one region."""
    qs = Department.objects.defer("outline").select_related("region")
    if region_code:
        qs = qs.filter(region_id=region_code)
    return qs


def commune_search(*, query: str, limit: int = COMMUNE_SEARCH_LIMIT) -> list[Commune]:
    """Communes whose INSEE code is ``query``, or whose name starts with it (accents and case ignored).

    Larger populations first, so "saint-e" offers Saint-Étienne before a hamlet.
    """
    query = query.strip()
    if not query:
        return []
    qs = Commune.objects.select_related("department")
    if query[:1].isdigit() or query[:2].upper() in {"2A", "2B"}:
        by_code = list(qs.filter(insee_code=query.upper()).order_by("kind"))
        if by_code:
            return by_code[:limit]
    # Delegated and associated communes have no population of their own, so they come last.
    return list(
        qs.filter(search_name__startswith=name_search_key(query)).order_by(
            F("population").desc(nulls_last=True), "name"
        )[:limit]
    )


def _feature_collection(rows: QuerySet[Any]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": outline}
            for code, name, outline in rows.exclude(outline=None).values_list("code", "name", "outline")
        ],
    }


def regions_geojson() -> dict[str, Any]:
    """Outlines of the current regions (metropolitan and overseas) as a GeoJSON FeatureCollection."""
    return _feature_collection(Region.objects.order_by("code"))


def departments_geojson(*, region_code: str | None = None) -> dict[str, Any]:
    """Outlines of the departments, optionally of one region, as a GeoJSON FeatureCollection."""
    qs = Department.objects.order_by("code")
    if region_code:
        qs = qs.filter(region_id=region_code)
    return _feature_collection(qs)


def former_regions_geojson() -> dict[str, Any]:
    """Outlines of the 22 pre-2016 regions as a GeoJSON FeatureCollection."""
    return _feature_collection(FormerRegion.objects.order_by("code"))
