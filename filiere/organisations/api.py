"""Directory API: search with facets, organisation detail, establishments.

The same selectors as the HTML pages, so the API and the site always agree.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from . import selectors
from .models import Organisation

router = Router(tags=["organisations"])

# Schema names are global in the OpenAPI document: every one here starts with "Directory".


class DirectorySearchIn(Schema):
    q: str = Field("", description="Texte libre (nom, ville, code postal) ; le dernier mot est un préfixe.")
    region: list[str] = Field([], description="Codes région INSEE (ex. 27).")
    department: list[str] = Field([], description="Codes département (ex. 21, 2A).")
    naf: list[str] = Field([], description="Sous-classes NAF rév. 2 (ex. 62.01Z).")
    digital: bool | None = Field(None, description="Secteur numérique (définition INSEE c1385).")
    headcount: list[str] = Field([], description="Tranches d'effectif INSEE (ex. 11).")
    kind: list[str] = Field([], description="Types d'acteur (company, cluster, ...).")
    state: list[str] = Field([], description="A (actif) ou F (fermé).")
    page: int = Field(1, ge=1)
    per_page: int = Field(selectors.PER_PAGE, ge=1, le=selectors.MAX_PER_PAGE)


class DirectoryFacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class DirectoryFacetOut(Schema):
    name: str
    title: str
    values: list[DirectoryFacetValueOut]


class DirectoryResultOut(Schema):
    id: int
    organisation_id: int
    siret: str
    name: str
    sign: str
    city: str
    postcode: str
    department_code: str
    region_code: str
    naf_code: str
    naf_label: str
    is_digital: bool
    headcount_band: str
    headcount_label: str
    kind: str
    state: str
    is_generated: bool
    is_diffusible: bool
    is_head_office: bool


class DirectorySearchOut(Schema):
    count: int = Field(description="Nombre de résultats (borne inférieure si count_is_lower_bound).")
    count_is_lower_bound: bool
    page: int
    num_pages: int
    per_page: int
    results: list[DirectoryResultOut]
    facets: list[DirectoryFacetOut]


class DirectoryOrganisationOut(Schema):
    id: int
    name: str
    siren: str | None
    kind: str
    legal_category: str
    naf_code: str
    naf_label: str
    is_digital: bool
    headcount_band: str
    creation_date: date | None
    state: str
    closure_date: date | None
    is_diffusible: bool
    is_generated: bool
    source: str
    website: str
    description: str
    tags: list[str]


class DirectoryEstablishmentOut(Schema):
    id: int
    siret: str | None
    is_head_office: bool
    address: str
    postcode: str
    city: str
    department_code: str
    region_code: str
    state: str
    naf_code: str
    is_digital: bool
    headcount_band: str


def _filters(params: DirectorySearchIn) -> selectors.DirectoryFilters:
    data = params.dict()
    return selectors.DirectoryFilters.from_params(
        {key: value for key, value in data.items() if key not in {"page", "per_page", "digital"}}
        | {"digital": None if params.digital is None else ("1" if params.digital else "0")}
    )


@router.get("/search", response=DirectorySearchOut, summary="Rechercher dans l'annuaire")
def search(request: HttpRequest, params: Query[DirectorySearchIn]) -> dict:
    """Establishments matching the text and filters, one page, with facet counts."""
    result = selectors.search_directory(_filters(params), page=params.page, per_page=params.per_page)
    return {
        "count": result.count,
        "count_is_lower_bound": result.count_is_lower_bound,
        "page": result.page,
        "num_pages": result.num_pages,
        "per_page": result.per_page,
        "results": selectors.present_results(result.results),
        "facets": result.facets,
    }


def _organisation_out(request: HttpRequest, organisation: Organisation) -> dict:
    visible = selectors.can_see_identity(request.user, organisation)
    return {
        "id": organisation.pk,
        "name": organisation.name if visible else selectors.public_name(organisation),
        "siren": organisation.siren,
        "kind": organisation.kind,
        "legal_category": organisation.legal_category,
        "naf_code": organisation.naf_code,
        "naf_label": selectors.naf_label(organisation.naf_code),
        "is_digital": organisation.is_digital,
        "headcount_band": organisation.headcount_band,
        "creation_date": organisation.creation_date,
        "state": organisation.state,
        "closure_date": organisation.closure_date,
        "is_diffusible": organisation.is_diffusible,
        "is_generated": organisation.is_generated,
        "source": organisation.source,
        "website": organisation.website if visible else "",
        "description": organisation.description if visible else "",
        "tags": (organisation.tags or []) if visible else [],
    }


@router.get("/{int:organisation_id}", response=DirectoryOrganisationOut, summary="Fiche d'une organisation")
def organisation_detail(request: HttpRequest, organisation_id: int) -> dict:
    """One organisation (non-diffusible ones without name, website or description)."""
    organisation = selectors.get_organisation_for_user(request.user, organisation_id)
    return _organisation_out(request, organisation)


@router.get(
    "/{int:organisation_id}/establishments",
    response=list[DirectoryEstablishmentOut],
    summary="Établissements d'une organisation",
)
def organisation_establishments(request: HttpRequest, organisation_id: int) -> list[dict]:
    """The organisation's establishments, head office first."""
    organisation = selectors.get_organisation_for_user(request.user, organisation_id)
    visible = selectors.can_see_identity(request.user, organisation)
    rows = []
    for est in selectors.organisation_establishments(organisation):
        rows.append(
            {
                "id": est.pk,
                "siret": est.siret,
                "is_head_office": est.is_head_office,
                "address": est.address if visible and est.is_diffusible else "",
                "postcode": est.postcode,
                "city": est.city,
                "department_code": est.department_code,
                "region_code": est.region_code,
                "state": est.state,
                "naf_code": est.naf_code,
                "is_digital": est.is_digital,
                "headcount_band": est.headcount_band,
            }
        )
    return rows
