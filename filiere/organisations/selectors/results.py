"""Search results as shown by the page and the API alike (`ResultRow`, `present_results`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from filiere.territories.models import Department

from ..models import Establishment, HeadcountBand, Kind, State

if TYPE_CHECKING:
    pass

from .labels import naf_labels_for
from .organisations import public_name


@dataclass
class ResultRow:
    """What a search result shows, with INSEE diffusion rules already applied."""

    id: int
    organisation_id: int
    siret: str
    name: str
    sign: str
    city: str
    postcode: str
    department_code: str
    department_name: str
    region_code: str
    naf_code: str
    naf_label: str
    is_digital: bool
    headcount_band: str
    headcount_label: str
    kind: str
    kind_label: str
    state: str
    is_closed: bool
    is_generated: bool
    is_diffusible: bool
    is_head_office: bool


def present_results(results: Iterable[Establishment]) -> list[ResultRow]:
    """Result rows for display: public name, NAF label, department name, band label."""
    results = list(results)
    naf = naf_labels_for(e.naf_code for e in results)
    departments = dict(
        Department.objects.filter(code__in={e.department_code for e in results}).values_list("code", "name")
    )
    bands = dict(HeadcountBand.choices)
    kinds = dict(Kind.choices)
    rows = []
    for est in results:
        org = est.organisation
        diffusible = org.is_diffusible and est.is_diffusible
        rows.append(
            ResultRow(
                id=est.pk,
                organisation_id=org.pk,
                siret=est.siret or "",
                name=public_name(org, establishment=est),
                sign=est.sign if diffusible else "",
                city=est.city,
                postcode=est.postcode,
                department_code=est.department_code,
                department_name=departments.get(est.department_code, ""),
                region_code=est.region_code,
                naf_code=est.naf_code,
                naf_label=naf.get(est.naf_code, ""),
                is_digital=est.is_digital,
                headcount_band=est.headcount_band,
                headcount_label=str(bands.get(est.headcount_band, "")),
                kind=est.kind,
                kind_label=str(kinds.get(est.kind, est.kind)),
                state=est.state,
                is_closed=est.state == State.CLOSED,
                is_generated=org.is_generated,
                is_diffusible=diffusible,
                is_head_office=est.is_head_office,
            )
        )
    return rows
