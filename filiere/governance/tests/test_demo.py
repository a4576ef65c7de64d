"""The demo: the LR associations merged into the regional cluster, history kept, subsidy frozen
then paid; loading twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from filiere.governance import selectors
from filiere.governance.demo import ASSOCIATIONS, CLUSTER, FUNDER, load_governance_demo
from filiere.governance.models import FeeCall, FundingLine, Membership, MembershipStatus
from filiere.organisations.demo.seeds import COLLEGES as SEED_COLLEGES
from filiere.organisations.models import College, Kind
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _luhn_siren(n: int) -> str:
    base = f"{n:08d}"
    for check in range(10):
        digits = base + str(check)
        total = sum(
            (lambda d: d - 9 if d > 9 else d)(int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


@pytest.fixture
def directory() -> None:
    for name in (CLUSTER, *ASSOCIATIONS):
        org = OrganisationFactory(name=name, kind=Kind.CLUSTER, siren=None)
        EstablishmentFactory(organisation=org, region_code="76", department_code="34", siret=None)
        if name == CLUSTER:  # the colleges the directory's seed gives Digital 113
            for college, description in SEED_COLLEGES["digital-113"]:
                College.objects.create(cluster=org, name=college, description=description)
    OrganisationFactory(name=FUNDER, kind=Kind.PUBLIC_BODY, siren=None)
    for index in range(60):
        firm = OrganisationFactory(
            kind=Kind.COMPANY,
            name=f"Société Numérique {index}",
            siren=_luhn_siren(40000000 + index),
            headcount_band="03",
        )
        EstablishmentFactory(
            organisation=firm, region_code="76", department_code="34", postcode="34000", city="Montpellier",
            address=f"{index} rue de la Loge", is_digital=True,
        )  # fmt: skip


def test_demo_merges_the_three_associations_keeping_their_history(directory: Any) -> None:
    merger = load_governance_demo()
    assert merger is not None and merger.status == "done"
    cluster = merger.cluster
    current = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)
    assert current.count() == 60  # every firm once, whichever files it was in
    former = Membership.objects.filter(status=MembershipStatus.MERGED)
    assert former.count() > 60  # some firms belonged to two or three associations
    assert {o.name for o in selectors.predecessors(cluster)} == set(ASSOCIATIONS)
    assert FeeCall.objects.filter(membership__cluster__name="Novae LR", year=2014).exists()
    line = FundingLine.objects.get(cluster=cluster, year=2015)
    assert [h["status"] for h in line.history] == ["granted", "frozen", "paid"] and line.paid == line.granted
    assert selectors.public_register(cluster).get().adopted is True
    cash = selectors.working_capital(cluster)
    assert cash["balance"] > 0 and 1 <= cash["months"] <= 6  # a real association's few months
    assert cluster.colleges.count() == 5  # the directory's colleges of Digital 113, not a second set
    counts = (Membership.objects.count(), FeeCall.objects.count(), FundingLine.objects.count())
    load_governance_demo()
    assert (Membership.objects.count(), FeeCall.objects.count(), FundingLine.objects.count()) == counts
