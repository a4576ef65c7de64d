"""The support demo: the seed's providers get their services; ~600 firms a year; loading twice
changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count

from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory
from filiere.support import demo
from filiere.support.models import Engagement, Service

pytestmark = pytest.mark.django_db


def test_demo_services_and_firms_supported(bfc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, kind in (
        ("BFC numérique", Kind.CLUSTER), ("Nicéphore Cité", Kind.TECHNOPOLE), ("Numérica", Kind.TECHNOPOLE),
        ("Inkub", Kind.INCUBATOR), ("CCI de Bourgogne-Franche-Comté", Kind.PUBLIC_BODY),
        ("Région Bourgogne-Franche-Comté", Kind.PUBLIC_BODY), ("Préfecture de la région Bourgogne-Franche-Comté", Kind.PUBLIC_BODY),
        ("Région Nouvelle-Aquitaine", Kind.PUBLIC_BODY),
    ):  # fmt: skip
        OrganisationFactory(name=name, kind=kind, siren=None)
    for index in range(60):  # generated demo companies have no SIREN: counted by their key
        EstablishmentFactory(
            organisation=OrganisationFactory(siren=None if index % 2 else f"{700000000 + index}"), siret=None
        )
    monkeypatch.setattr(demo, "FIRMS_PER_YEAR", 30)
    today = dt.date(2026, 6, 30)
    services = demo.load_support_demo(today=today)
    assert len(services) == len(demo.BFC_SERVICES) + len(demo.NA_SCHEMES) == 46
    schemes = [s.title for s in Service.objects.filter(is_regional_aid_scheme=True) if "75" in s.region_codes]
    assert sorted(schemes) == [
        "Chèque transformation numérique",
        "Parcours de l'export",
        "Prototype numérique",
        "Région Start Up",
    ]
    per_year = dict(
        Engagement.objects.values_list("date__year").annotate(n=Count("siren", distinct=True)).order_by()
    )
    assert per_year[2025] == 30 and 10 <= per_year[2026] <= 30
    assert Engagement.objects.filter(siren__startswith="D").exists()
    engagements = Engagement.objects.count()
    demo.load_support_demo(today=today)
    assert Service.objects.count() == 46 and Engagement.objects.count() == engagements
