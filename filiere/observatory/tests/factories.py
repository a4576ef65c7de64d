"""Factories of the observatory's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from filiere.observatory.models import Level, OfficialFigure
from filiere.organisations.models import State
from filiere.organisations.tests.factories import EstablishmentFactory


def establishment(
    *,
    created: dt.date | None,
    closed: dt.date | None = None,
    region: str = "27",
    department: str = "21",
    naf: str = "62.01Z",
    digital: bool = True,
    band: str = "01",
    commune: str = "",
) -> object:
    """One establishment with just what the aggregates read."""
    return EstablishmentFactory(
        region_code=region,
        department_code=department,
        naf_code=naf,
        is_digital=digital,
        headcount_band=band,
        creation_date=created,
        state=State.CLOSED if closed else State.ACTIVE,
        closure_date=closed,
        commune_id=commune or None,
        commune_code=commune,
    )


class OfficialFigureFactory(DjangoModelFactory):
    class Meta:
        model = OfficialFigure

    indicator = "employment"
    territory_level = Level.REGION
    territory_code = "27"
    year = 2019
    value = Decimal("8000")
    unit = "emplois"
    source = factory.Sequence(lambda n: f"Source {n}")
    source_url = "https://example.org/source"
    licence = "Licence Ouverte 2.0"
