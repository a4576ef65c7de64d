"""The buyer filters evaluated on in-process arrays instead of SQL.

A broad filter (a big region, a common sector) selects tens of thousands of published firms;
reading their ids from the database cost more than the whole ranking (20–40 ms of CPU at
100,000 firms). The filter columns of every published profile (territory, size band, capacity,
availability, validated count, target sectors as a bit mask) are kept here as numpy arrays, one
copy per process, rebuilt when the showcase's version token changes. Every ORM write to a profile
or its sectors bumps the token (signals in `apps`), in the writer's transaction, and every search
reads the token: the filters are evaluated once, here, on committed data, and the ranked firms
need no second check against the database.

`profile_ids(filters)` gives exactly the ids `selectors.filter_profiles(filters)` selects (a test
keeps the two equal).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db import connection

from filiere.matching import services as engine

VERSION_KEY = "showcase_org:filters"
UNVERSIONED_SECONDS = 2.0
MAX_SECTORS = 64  # one bit each in a uint64


@dataclass
class Facets:
    """Filter columns of the published profiles, sorted by organisation id."""

    key: str | None
    ids: np.ndarray
    region: np.ndarray
    department: np.ndarray
    band: np.ndarray
    capacity: np.ndarray
    available_from: np.ndarray  # datetime64[D], NaT when unknown
    validated: np.ndarray
    sectors: np.ndarray  # uint64 bit mask
    sector_bits: dict[str, int]


_lock = threading.Lock()
_cached: Facets | None = None
_built_at = -1e9


def touch() -> None:
    """Tell every process that the published profiles or their filter columns changed."""
    engine.touch_index(VERSION_KEY, vectors=False)


def reset() -> None:
    """Forget this process's arrays (tests)."""
    global _cached
    with _lock:
        _cached = None


def get_facets() -> Facets | None:
    """The arrays, rebuilt if the version token changed; None when sectors exceed the bit mask.

    The token is read on every call (one indexed row): the arrays are the one place a buyer's
    filters are evaluated, so they must hold what is committed, not what was 2 s ago.
    """
    global _cached, _built_at
    cached = _cached
    version = engine.index_version(VERSION_KEY)
    if cached is not None and cached.key == version:
        # No token yet (rows written without the signals, e.g. a bulk loader): rebuilt every
        # UNVERSIONED_SECONDS; `touch` gives one.
        if version is not None or time.monotonic() - _built_at < UNVERSIONED_SECONDS:
            return cached
    facets = _build(version)
    with _lock:
        _cached, _built_at = facets, time.monotonic()
    return facets


def _build(version: str | None) -> Facets | None:
    from .models import Sector, ShowcaseProfile

    codes = list(Sector.objects.order_by("code").values_list("code", flat=True))
    if len(codes) > MAX_SECTORS:
        return None
    bits = {code: i for i, code in enumerate(codes)}
    table = ShowcaseProfile._meta.db_table
    through = ShowcaseProfile.target_sectors.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id, region_code, department_code, headcount_band, capacity_now, "
            f"available_from, validated_count FROM {table} WHERE is_published ORDER BY organisation_id"
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT t.showcaseprofile_id, t.sector_id FROM {through} t "
            f"JOIN {table} p ON p.organisation_id = t.showcaseprofile_id WHERE p.is_published"
        )
        links = cursor.fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    masks = np.zeros(len(rows), dtype=np.uint64)
    if links:
        owners = np.fromiter((link[0] for link in links), dtype=np.int64, count=len(links))
        link_bits = np.fromiter(
            (np.uint64(1) << np.uint64(bits[link[1]]) for link in links), dtype=np.uint64, count=len(links)
        )
        np.bitwise_or.at(masks, np.searchsorted(ids, owners), link_bits)
    return Facets(
        key=version,
        ids=ids,
        region=np.array([r[1] or "" for r in rows], dtype="U3"),
        department=np.array([r[2] or "" for r in rows], dtype="U3"),
        band=np.array([r[3] or "" for r in rows], dtype="U2"),
        capacity=np.fromiter((r[4] or 0 for r in rows), dtype=np.int64, count=len(rows)),
        available_from=np.array([_day(r[5]) for r in rows], dtype="datetime64[D]"),
        validated=np.fromiter((r[6] or 0 for r in rows), dtype=np.int64, count=len(rows)),
        sectors=masks,
        sector_bits=bits,
    )


def _day(value: object) -> np.datetime64:
    if value is None or value == "":
        return np.datetime64("NaT")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    return np.datetime64(str(value)[:10], "D")


def profile_ids(filters: object) -> np.ndarray | None:
    """Ids of the published profiles passing ``filters`` (a `ShowcaseFilters`), or None if unavailable."""
    facets = get_facets()
    if facets is None:
        return None
    return facets.ids[_mask(facets, filters)]


def browse_candidates(filters: object, end: int, *, most: int = 2000) -> tuple[int, np.ndarray | None] | None:
    """For browsing (most capacity first): the number of firms, and ids sure to hold the first ``end``.

    The ids are every filtered firm whose capacity is at least the ``end``-th largest, so ordering
    them in SQL (capacity, name, id) gives the same first ``end`` rows as ordering all the firms;
    None instead of ids when ties make them more than ``most``. None if the arrays are unavailable.
    """
    facets = get_facets()
    if facets is None:
        return None
    keep = _mask(facets, filters)
    ids, capacity = facets.ids[keep], facets.capacity[keep]
    count = len(ids)
    if not count:
        return 0, ids
    threshold = capacity.min() if end >= count else -np.partition(-capacity, end - 1)[end - 1]
    candidates = ids[capacity >= threshold]
    return count, (candidates if len(candidates) <= most else None)


def _mask(facets: Facets, filters: object) -> np.ndarray:
    from .selectors import SIZE_BANDS

    keep = np.ones(len(facets.ids), dtype=bool)
    if filters.region:
        keep &= facets.region == filters.region
    if filters.department:
        keep &= facets.department == filters.department
    if filters.sector:
        mask = np.uint64(0)
        for code in filters.sector:
            if code in facets.sector_bits:
                mask |= np.uint64(1) << np.uint64(facets.sector_bits[code])
        keep &= (facets.sectors & mask) != 0
    if filters.capacity_min:
        keep &= facets.capacity >= filters.capacity_min
    if filters.available_before:
        keep &= (facets.capacity > 0) | (
            facets.available_from <= np.datetime64(filters.available_before, "D")
        )
    if filters.size:
        bands = [band for code in filters.size for band in SIZE_BANDS[code][1]]
        keep &= np.isin(facets.band, bands)
    if filters.validated_only:
        keep &= facets.validated > 0
    return keep
