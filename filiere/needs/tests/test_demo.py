"""The demo surveys: three campaigns on the directory demo's companies, realistic answers, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.needs import selectors
from filiere.needs.demo import load_needs_demo
from filiere.needs.models import Campaign, NeedLine, Scope, Status
from filiere.organisations.models import Kind

from .factories import OrganisationFactory, company, department

pytestmark = pytest.mark.django_db


def test_demo_campaigns_answers_and_idempotence(bfc):
    department("67")
    OrganisationFactory(name="BFC numérique", kind=Kind.CLUSTER, siren=None)
    for index in range(40):
        company(department_code=("21", "25", "71")[index % 3], band=("01", "12")[index % 2])
    for _index in range(10):
        company(department_code="67", region_code="44")

    campaigns = load_needs_demo(today=dt.date(2026, 11, 23))
    assert len(campaigns) == 3 and Campaign.objects.count() == 3

    bfc_2025, bfc_2026 = Campaign.objects.filter(region_id="27").order_by("opens_on")
    assert (bfc_2025.status, bfc_2026.status) == (Status.CLOSED, Status.OPEN)
    assert bfc_2025.owner.name == "BFC numérique" and bfc_2025.results_public
    assert bfc_2025.invitations.count() == 40
    rate = selectors.response_rates(bfc_2025).overall
    assert 0.25 <= rate.rate <= 0.35
    bas_rhin = Campaign.objects.get(region_id="44")
    assert (bas_rhin.scope, bas_rhin.department_id, bas_rhin.invitations.count()) == (
        Scope.DEPARTMENT,
        "67",
        10,
    )
    families = set(NeedLine.objects.values_list("family", flat=True))
    assert (
        families <= {"software", "data_ai", "cyber", "cloud_devops", "project", "sales"}
        and len(families) >= 3
    )
    table = selectors.gap_table(selectors.GapFilters(campaign=bfc_2025), supply={})
    assert table.rows and table.rows[0].gap > 0

    before = NeedLine.objects.count()
    assert [c.pk for c in load_needs_demo(today=dt.date(2026, 11, 23))] == [c.pk for c in campaigns]
    assert Campaign.objects.count() == 3
    assert NeedLine.objects.count() == before
