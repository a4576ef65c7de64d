"""Distances between departments, for mobility areas (talent's job seekers and offers).

The COG data has no commune coordinates, so a distance is the great-circle distance between the
centres of the departments' bounding boxes (from their GeoJSON outlines): good to ±30 km, which is
what a "mobility radius" means for a job seeker anyway. Departments without an outline are only
reachable by being named.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Max, Q

from filiere.territories.models import Department


def _rings(coords: Any) -> Iterator[list[Any]]:
    """The rings (lists of [lon, lat] positions) of a GeoJSON geometry's coordinates, any depth."""
    if not coords:
        return
    if coords[0] and isinstance(coords[0][0], (int, float)):
        yield coords
        return
    for part in coords:
        yield from _rings(part)


def _centre(outline: dict[str, Any] | None) -> tuple[float, float] | None:
    if not outline:
        return None
    geometry = outline.get("geometry", outline)
    coords = geometry.get("coordinates")
    if coords and isinstance(coords[0], (int, float)):  # a Point
        return (float(coords[0]), float(coords[1]))
    boxes = []
    for ring in _rings(coords):
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        boxes.append((min(lons), max(lons), min(lats), max(lats)))
    if not boxes:
        return None
    west, east = min(b[0] for b in boxes), max(b[1] for b in boxes)
    south, north = min(b[2] for b in boxes), max(b[3] for b in boxes)
    return ((west + east) / 2, (south + north) / 2)


_cache: dict[str, Any] = {"key": None, "centres": {}}


def _fingerprint() -> tuple[int, int, int | None]:
    """Changes when departments or their outlines are added or removed (a cheap query)."""
    counts = Department.objects.aggregate(
        rows=Count("pk"), outlines=Count("pk", filter=Q(outline__isnull=False)), last=Max("pk")
    )
    return (counts["rows"], counts["outlines"], counts["last"])


def department_centres() -> dict[str, tuple[float, float]]:
    """Department code → (longitude, latitude) of its outline's bounding-box centre.

    Reading the outlines costs about a second (101 full-resolution GeoJSON geometries), so the
    centres are kept while the departments table holds the same rows: forgotten when a department
    is saved or deleted (signals), when the importer writes, and when the count or the last id
    changes (rows gone with a rolled-back transaction, bulk writes)."""
    key = _fingerprint()
    if _cache["key"] != key:
        found: dict[str, tuple[float, float]] = {}
        for code, outline in Department.objects.values_list("code", "outline").iterator():
            centre = _centre(outline)
            if centre is not None:
                found[code] = centre
        _cache.update(key=key, centres=found)
    centres: dict[str, tuple[float, float]] = _cache["centres"]
    return centres


def reset() -> None:
    """Forget the kept centres (the importer after writing departments in bulk)."""
    _cache.update(key=None, centres={})


def forget(**_signal: Any) -> None:
    """`post_save` / `post_delete` receiver of Department (TerritoriesConfig.ready)."""
    reset()


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def distance_km(dep_a: str, dep_b: str) -> float | None:
    """Approximate distance between two departments' centres, None when one has no outline."""
    if dep_a == dep_b:
        return 0.0
    centres = department_centres()
    a, b = centres.get(dep_a), centres.get(dep_b)
    return None if a is None or b is None else _km(a, b)


def departments_within(dep: str, radius_km: int) -> list[str]:
    """Departments whose centre is within `radius_km` of `dep`'s centre (always `dep` itself)."""
    found = {dep} if dep else set()
    centres = department_centres() if dep else {}
    centre = centres.get(dep)
    if centre is not None:
        found.update(code for code, other in centres.items() if _km(centre, other) <= radius_km)
    return sorted(found)
