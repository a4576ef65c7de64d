"""Bodies (quorum, proxies, votes weighted per college), funding lines, ledger, indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from filiere.governance import indicators, selectors, services
from filiere.governance.models import Body, BodyKind, Decision, FundingLine, FundingStatus, Meeting, Seat
from filiere.organisations.models import Kind
from filiere.organisations.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world: Any) -> Meeting:
    body = Body.objects.create(cluster=world.cluster, kind=BodyKind.ASSEMBLY, name="AG 2026", max_proxies=1)
    for i in range(6):
        Seat.objects.create(
            body=body,
            user=UserFactory(email=f"s{i}@example.org"),
            college=world.cloud if i < 3 else world.startups,
        )
    return Meeting.objects.create(body=body, starts_at=timezone.now(), agenda="Comptes 2025")


def test_convocation_goes_to_every_seat(
    world: Any, meeting: Meeting, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.convene(meeting=meeting, by=world.board) == 6
    assert len(mailoutbox) == 6 and "Comptes 2025" in mailoutbox[0].body
    assert meeting.convened_at is not None
    with pytest.raises(PermissionDenied):
        services.convene(meeting=meeting, by=world.firm_editor)


def test_quorum_counts_proxies_and_caps_them(world: Any, meeting: Meeting) -> None:
    seats = list(meeting.body.seats.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.record_attendance(
            meeting=meeting,
            by=world.board,
            present=seats[:2],
            proxies={seats[2]: seats[0], seats[3]: seats[0]},
        )
    services.record_attendance(
        meeting=meeting, by=world.board, present=seats[:2], proxies={seats[2]: seats[0]}
    )
    assert selectors.quorum(meeting) == {"seats": 6, "present": 2, "represented": 1, "reached": True}
    decision = Decision.objects.create(meeting=meeting, title="Budget")
    services.record_attendance(meeting=meeting, by=world.board, present=seats[:2], proxies={})
    with pytest.raises(ValidationError):
        services.record_vote(decision=decision, by=world.board, counts={world.cloud.pk: (2, 0, 0)})


def test_votes_are_weighted_per_college(world: Any, meeting: Meeting) -> None:
    seats = list(meeting.body.seats.values_list("pk", flat=True))
    services.record_attendance(meeting=meeting, by=world.board, present=seats, proxies={})
    decision = Decision.objects.create(meeting=meeting, title="Fusion")
    # Cloud (weight 2) all for, start-ups (weight 1) all against: 2/3 for.
    services.record_vote(
        decision=decision, by=world.board, counts={world.cloud.pk: (3, 0, 0), world.startups.pk: (0, 3, 0)}
    )
    assert decision.adopted is True and decision.weighted_yes == Decimal("0.6667")
    # Head count alone would tie; the other way round, 1/3 for: rejected.
    services.record_vote(
        decision=decision, by=world.board, counts={world.cloud.pk: (0, 3, 0), world.startups.pk: (3, 0, 0)}
    )
    assert decision.adopted is False and decision.college_votes.count() == 2
    assert list(selectors.public_register(world.cluster)) == [decision]


def test_funding_frozen_then_paid_and_indicators(world: Any) -> None:
    region = OrganisationFactory(name="Région Occitanie", kind=Kind.PUBLIC_BODY)
    line = FundingLine.objects.create(
        cluster=world.cluster, funder=region, title="Fonctionnement", year=2015, requested=Decimal("200000")
    )
    services.update_funding(
        line=line, by=world.board, status=FundingStatus.GRANTED, granted=Decimal("150000")
    )
    services.update_funding(
        line=line, by=world.board, status=FundingStatus.FROZEN, note="En attente de la fusion"
    )
    assert indicators.share_of_subsidies_paid("76") == Decimal("0")
    with pytest.raises(ValidationError):
        services.update_funding(line=line, by=world.board, status=FundingStatus.PAID, paid=Decimal("200000"))
    services.update_funding(line=line, by=world.board, status=FundingStatus.PAID, paid=Decimal("75000"))
    assert [h["status"] for h in line.history] == ["granted", "frozen", "paid"]
    assert indicators.share_of_subsidies_paid("76") == Decimal("50.0")
    with pytest.raises(PermissionDenied):
        services.update_funding(line=line, by=world.firm_editor, status=FundingStatus.PAID)


def test_ledger_import_and_months_covered(world: Any) -> None:
    today = timezone.localdate()
    last_month = (today - dt.timedelta(days=30)).strftime("%d/%m/%Y")
    data = (
        "Date;Libellé;Catégorie;Montant;Référence\n"
        f"{last_month};Subvention Région;subvention;120000;L1\n"
        f"{last_month};Salaires;personnel;-60000;L2\n"
        "xx;Loyer;locaux;-1000;L3\n"
    ).encode()
    report = services.import_ledger_csv(cluster=world.cluster, data=data, by=world.board)
    assert (report.created, [(r.line, r.field) for r in report.rejections]) == (2, [(4, "date")])
    assert services.import_ledger_csv(cluster=world.cluster, data=data, by=world.board).unchanged == 2
    capital = selectors.working_capital(world.cluster, today=today)
    assert capital["balance"] == Decimal("60000") and capital["monthly_expenses"] == Decimal("5000.00")
    assert capital["months"] == Decimal("12.0")


def test_members_indicator_counts_a_firm_once(world: Any) -> None:
    membership = services.apply(college=world.startups, organisation=world.firm, by=world.firm_editor)
    assert membership.status == "active"
    services.apply(college=world.startups, by=world.outsider)
    assert indicators.regional_cluster_members("76") == Decimal("2")
    assert indicators.regional_cluster_members("27") == Decimal("0")
