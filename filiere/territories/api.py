"""JSON API of the territories: regions, departments, commune lookup and GeoJSON outlines."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from filiere.core.params import TerritoryCode
from filiere.territories import selectors

router = Router(tags=["territories"])


class DepartmentOut(Schema):
    code: str
    name: str
    region_code: str = Field(..., alias="region_id")
    zone: str


class RegionOut(Schema):
    code: str
    name: str
    zone: str
    chef_lieu: str
    departments: list[DepartmentOut]


class CommuneOut(Schema):
    code: str
    insee_code: str
    name: str
    kind: str
    department_code: str = Field(..., alias="department_id")
    region_code: str = Field(..., alias="region_id")
    epci_code: str | None = Field(None, alias="epci_id")
    parent_code: str | None = Field(None, alias="parent_id")
    postcodes: list[str]
    population: int | None


class FeatureProperties(Schema):
    code: str
    name: str


class Feature(Schema):
    type: str = "Feature"
    properties: FeatureProperties
    geometry: dict[str, Any]


class FeatureCollection(Schema):
    type: str = "FeatureCollection"
    features: list[Feature]


@router.get("/regions", response=list[RegionOut])
def regions(request: HttpRequest) -> Any:
    """Current regions with their departments."""
    return selectors.region_list(with_departments=True)


@router.get("/regions/{code}", response=RegionOut)
def region(request: HttpRequest, code: str) -> Any:
    """One region with its departments."""
    return get_object_or_404(selectors.region_list(with_departments=True), code=code)


@router.get("/departments", response=list[DepartmentOut])
def departments(request: HttpRequest, region: TerritoryCode | None = None) -> Any:
    """Departments, optionally of one region (``?region=76``)."""
    return selectors.department_list(region_code=region)


@router.get("/communes", response=list[CommuneOut])
def communes(request: HttpRequest, q: str, limit: int = 20) -> Any:
    """Communes by INSEE code, or by name prefix ignoring accents and case (``?q=besan``)."""
    return selectors.commune_search(query=q, limit=max(1, min(limit, 100)))


@router.get("/regions.geojson", response=FeatureCollection, url_name="territories_regions_geojson")
def regions_geojson(request: HttpRequest) -> Any:
    """Outlines of the current regions."""
    return selectors.regions_geojson()


@router.get("/departments.geojson", response=FeatureCollection, url_name="territories_departments_geojson")
def departments_geojson(request: HttpRequest, region: TerritoryCode | None = None) -> Any:
    """Outlines of the departments, optionally of one region."""
    return selectors.departments_geojson(region_code=region)


@router.get(
    "/former-regions.geojson", response=FeatureCollection, url_name="territories_former_regions_geojson"
)
def former_regions_geojson(request: HttpRequest) -> Any:
    """Outlines of the pre-2016 regions (Languedoc-Roussillon, Alsace...)."""
    return selectors.former_regions_geojson()
