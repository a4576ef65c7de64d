"""Load the COG 2026 (regions, departments, EPCI, communes), pre-2016 regions and GeoJSON outlines.

Files (under ``FILIERE_DATA_DIR``): ``cog/regions.json``, ``cog/departements.json``,
``cog/epci.json.gz``, ``cog/communes.json.gz`` (npm ``@etalab/decoupage-administratif``),
``geo/*.geojson`` (france-geojson) and ``geo/departements_anciennes_regions_2015_derived.csv``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import transaction

from filiere.core.imports import ImportReport
from filiere.core.loading import (
    FileKey,
    file_key,
    parsed_json,
    read_csv,
    read_json_kept,
    upsert,
)
from filiere.territories import geo
from filiere.territories.models import (
    EPCI,
    Commune,
    CommuneKind,
    Department,
    FormerRegion,
    Region,
    name_search_key,
)

REGIONS_OUTLINES = "geo/regions-avec-outre-mer.geojson"
DEPARTMENTS_OUTLINES = "geo/departements-avec-outre-mer.geojson"
FORMER_REGIONS_OUTLINES = "geo/regions-avant-redecoupage-2015.geojson"
FORMER_REGIONS_TABLE = "geo/departements_anciennes_regions_2015_derived.csv"


def _outlines(relative: str) -> dict[str, dict[str, Any]]:
    """Geometry by code from a GeoJSON FeatureCollection."""
    return {f["properties"]["code"]: f["geometry"] for f in read_json_kept(relative)["features"]}


def commune_key(code: str, kind: str, current_codes: set[str]) -> str:
    """Primary key of a commune record: its INSEE code, suffixed "D" when a commune nouvelle holds it."""
    if kind != CommuneKind.CURRENT and code in current_codes:
        return f"{code}D"
    return code


@transaction.atomic
def load_territories(*, progress: bool = False) -> ImportReport:
    """Upsert regions, former regions, departments, EPCI and communes; returns counts per table."""
    counts = ImportReport()
    region_outlines = _outlines(REGIONS_OUTLINES)
    regions = read_json_kept("cog/regions.json")
    counts.add(
        "regions",
        upsert(
            Region,
            (
                {
                    "code": r["code"],
                    "name": r["nom"],
                    "zone": r.get("zone", "metro"),
                    "chef_lieu": r.get("chefLieu", ""),
                    "outline": region_outlines.get(r["code"]),
                }
                for r in regions
            ),
            progress=progress,
        ),
    )

    former_outlines = _outlines(FORMER_REGIONS_OUTLINES)
    table = list(read_csv(FORMER_REGIONS_TABLE))
    former: dict[str, dict[str, Any]] = {}
    for row in table:
        former.setdefault(
            row["code_ancienne_region"],
            {
                "code": row["code_ancienne_region"],
                "name": row["nom_ancienne_region"],
                "successor_id": row["code_region_2016"],
                "outline": former_outlines.get(row["code_ancienne_region"]),
            },
        )
    counts.add("former_regions", upsert(FormerRegion, former.values(), progress=progress))

    former_of_department = {row["code_departement"]: row["code_ancienne_region"] for row in table}
    department_outlines = _outlines(DEPARTMENTS_OUTLINES)
    counts.add(
        "departments",
        upsert(
            Department,
            (
                {
                    "code": d["code"],
                    "name": d["nom"],
                    "region_id": d["region"],
                    "former_region_id": former_of_department.get(d["code"]),
                    "zone": d.get("zone", "metro"),
                    "chef_lieu": d.get("chefLieu", ""),
                    "outline": department_outlines.get(d["code"]),
                }
                for d in read_json_kept("cog/departements.json")
            ),
            progress=progress,
        ),
    )

    geo.reset()  # the departments were written in bulk, without signals
    epcis = read_json_kept("cog/epci.json")
    counts.add(
        "epci",
        upsert(
            EPCI,
            (
                {
                    "code": e["code"],
                    "name": e["nom"],
                    "kind": e.get("type", ""),
                    "financing": e.get("modeFinancement", ""),
                    "population": e.get("populationTotale"),
                }
                for e in epcis
            ),
            progress=progress,
        ),
    )
    communes = _commune_rows(file_key("cog/communes.json"), file_key("cog/epci.json"))
    counts.add("communes", upsert(Commune, communes, progress=progress))
    return counts


@lru_cache(maxsize=2)
def _commune_rows(communes_file: FileKey, epci_file: FileKey) -> tuple[dict[str, Any], ...]:
    """The commune rows of these two files (their `file_key`), kept like `read_json_kept`'s files:
    the search names of 37,590 communes cost a third of a second."""
    epcis = parsed_json(epci_file)
    epci_of_commune = {m["code"]: e["code"] for e in epcis for m in e.get("membres", [])}
    communes = parsed_json(communes_file)
    current_codes = {c["code"] for c in communes if c["type"] == CommuneKind.CURRENT}
    rows = []
    for c in communes:
        kind = c["type"]
        if kind == CommuneKind.ARRONDISSEMENT:
            parent = c.get("commune")
        elif kind in (CommuneKind.DELEGATED, CommuneKind.ASSOCIATED):
            parent = c.get("chefLieu")
        else:
            parent = None
        rows.append(
            {
                "code": commune_key(c["code"], kind, current_codes),
                "insee_code": c["code"],
                "name": c["nom"],
                "search_name": name_search_key(c["nom"])[:200],
                "kind": kind,
                "department_id": c["departement"],
                "region_id": c["region"],
                "epci_id": epci_of_commune.get(c["code"]) if kind == CommuneKind.CURRENT else None,
                "parent_id": parent if parent in current_codes else None,
                "postcodes": c.get("codesPostaux", []),
                "population": c.get("population"),
                "siren": c.get("siren", ""),
            }
        )
    return tuple(rows)
