"""Distances between departments, for mobility areas (talent's job seekers and offers).

The COG data has no commune coordinates, so a distance is the great-circle distance between the
centres of the departments' bounding boxes (from their GeoJSON outlines): good to ±30 km, which is
what a "mobility radius" means for a job seeker anyway. Departments without an outline are only
reachable by being named.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from filiere.territories.models import Department


def _walk(coords: Any) -> list[tuple[float, float]]:
    if coords and isinstance(coords[0], (int, float)):
        return [(float(coords[0]), float(coords[1]))]
    points: list[tuple[float, float]] = []
    for part in coords or ():
        points.extend(_walk(part))
    return points


def _centre(outline: dict[str, Any] | None) -> tuple[float, float] | None:
    if not outline:
        return None
    geometry = outline.get("geometry", outline)
    points = _walk(geometry.get("coordinates"))
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)


@lru_cache(maxsize=1)
def department_centres() -> dict[str, tuple[float, float]]:
    """Department code → (longitude, latitude) of its outline's bounding-box centre."""
    centres: dict[str, tuple[float, float]] = {}
    for code, outline in Department.objects.values_list("code", "outline"):
        centre = _centre(outline)
        if centre is not None:
            centres[code] = centre
    return centres


def reset() -> None:
    """Forget the cached centres (tests that load territories after a first call)."""
    department_centres.cache_clear()


def distance_km(dep_a: str, dep_b: str) -> float | None:
    """Approximate distance between two departments' centres, None when one has no outline."""
    if dep_a == dep_b:
        return 0.0
    centres = department_centres()
    a, b = centres.get(dep_a), centres.get(dep_b)
    if a is None or b is None:
        return None
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def departments_within(dep: str, radius_km: int) -> list[str]:
    """Departments whose centre is within `radius_km` of `dep`'s centre (always `dep` itself)."""
    found = {dep} if dep else set()
    if dep:
        for code in department_centres():
            distance = distance_km(dep, code)
            if distance is not None and distance <= radius_km:
                found.add(code)
    return sorted(found)
