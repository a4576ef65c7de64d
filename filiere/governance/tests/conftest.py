"""Fixtures of the governance tests: a cluster with two colleges, its board, an officer, a firm."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from filiere.accounts.models import Role
from filiere.governance.models import CollegeRules, FeeBand, FeeBasis
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import (
    CollegeFactory,
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    settings.SITE_URL = "https://filiere.example"


@dataclass
class Cluster:
    cluster: Any
    cloud: Any  # college with approval, headcount grid
    startups: Any  # college without approval, open to people
    board: Any
    officer: Any
    firm: Any
    firm_editor: Any
    firm_member: Any
    outsider: Any


@pytest.fixture
def world(db: None) -> Cluster:
    cluster = OrganisationFactory(name="Occitanie numérique", kind=Kind.CLUSTER, siren=None)
    EstablishmentFactory(organisation=cluster, region_code="76", department_code="34", siret=None)
    cloud = CollegeFactory(cluster=cluster, name="Cloud")
    startups = CollegeFactory(cluster=cluster, name="Start-ups & Entrepreneurs")
    officer = UserFactory(email="officer@example.org")
    rules = CollegeRules.objects.create(
        college=cloud, naf_prefixes=["62", "63"], board_seats=3, vote_weight=Decimal("2")
    )
    rules.officers.add(officer)
    CollegeRules.objects.create(college=startups, approval_required=False, accepts_people=True, board_seats=2)
    FeeBand.objects.create(
        college=cloud, basis=FeeBasis.HEADCOUNT, minimum=0, maximum=9, amount=Decimal("120")
    )
    FeeBand.objects.create(
        college=cloud, basis=FeeBasis.HEADCOUNT, minimum=10, maximum=49, amount=Decimal("480")
    )
    FeeBand.objects.create(
        college=cloud, basis=FeeBasis.HEADCOUNT, minimum=50, maximum=None, amount=Decimal("1200")
    )
    FeeBand.objects.create(
        college=startups, basis=FeeBasis.TURNOVER, minimum=0, maximum=None, amount=Decimal("60")
    )
    board = MembershipFactory(
        organisation=cluster, role=Role.EDITOR, user=UserFactory(email="board@example.org")
    ).user
    firm = OrganisationFactory(name="Nuage Sud SAS", naf_code="63.11Z", headcount_band="12")
    firm_editor = MembershipFactory(
        organisation=firm, role=Role.ADMIN, user=UserFactory(email="dg@nuage.example")
    ).user
    firm_member = MembershipFactory(organisation=firm, role=Role.MEMBER).user
    return Cluster(cluster, cloud, startups, board, officer, firm, firm_editor, firm_member, UserFactory())
