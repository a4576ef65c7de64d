"""Applying, deciding, fees, payments, receipts, reminders and lapsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from filiere.governance import services
from filiere.governance.models import (
    FeeCall,
    MemberContact,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Payment,
)
from filiere.governance.receipts import receipt_pdf
from filiere.organisations.models import Relation, RelationKind
from filiere.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _active(world: Any, **kwargs: Any) -> Membership:
    membership = services.apply(college=world.cloud, organisation=world.firm, by=world.firm_editor, **kwargs)
    return services.decide(membership=membership, by=world.officer, approve=True)


def test_application_waits_for_the_college_then_is_logged_and_mirrored_in_the_directory(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.apply(college=world.cloud, organisation=world.firm, by=world.firm_editor)
    assert membership.status == MembershipStatus.PENDING
    assert not Relation.objects.filter(source=world.firm, target=world.cluster).exists()
    assert any("officer@example.org" in m.to for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(membership=membership, by=world.officer, approve=True)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert [e.to_status for e in membership.events.all()] == ["pending", "active"]
    relation = Relation.objects.get(source=world.firm, target=world.cluster, kind=RelationKind.MEMBER_OF)
    assert relation.college == world.cloud
    assert "https://filiere.example/" in mail.outbox[-1].body


def test_college_rules_refuse_a_firm_outside_its_naf(world: Any) -> None:
    shop = OrganisationFactory(naf_code="47.11A")
    editor = world.firm_editor
    shop.memberships.create(user=editor, role="admin")
    with pytest.raises(ValidationError) as error:
        services.apply(college=world.cloud, organisation=shop, by=editor)
    assert "47.11A" in str(error.value)
    assert not Membership.objects.filter(organisation=shop).exists()


def test_only_the_firms_editors_apply_in_its_name_and_only_officers_decide(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.apply(college=world.cloud, organisation=world.firm, by=world.outsider)
    membership = services.apply(college=world.cloud, organisation=world.firm, by=world.firm_editor)
    with pytest.raises(PermissionDenied):
        services.decide(membership=membership, by=world.firm_editor, approve=True)
    services.decide(membership=membership, by=world.board, approve=False)
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.REFUSED


def test_a_person_joins_a_college_without_approval_at_once(world: Any) -> None:
    membership = services.apply(college=world.startups, by=world.outsider)
    assert membership.status == MembershipStatus.ACTIVE and membership.person == world.outsider
    with pytest.raises(ValidationError):
        services.apply(college=world.cloud, by=world.outsider)  # Cloud takes organisations only


def test_fee_from_the_grid_with_pro_rata_for_a_late_joiner(world: Any) -> None:
    membership = _active(world, headcount=12)
    Membership.objects.filter(pk=membership.pk).update(joined_on=dt.date(2026, 10, 5))
    assert services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False) == 1
    call = FeeCall.objects.get(membership=membership)
    assert call.amount == Decimal("120.00")  # 480 € a year, 3 months of 12
    assert services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False) == 0
    assert services.call_fees(cluster=world.cluster, year=2027, by=world.board, notify=False) == 1
    assert FeeCall.objects.get(membership=membership, year=2027).amount == Decimal("480")


def test_headcount_falls_back_on_the_directory_band(world: Any) -> None:
    membership = _active(world)  # band "12": 20 to 49 employees, midpoint 34.5
    Membership.objects.filter(pk=membership.pk).update(joined_on=dt.date(2020, 1, 1))
    services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False)
    assert FeeCall.objects.get(membership=membership).amount == Decimal("480")


def test_fee_call_is_for_the_board_only(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.call_fees(cluster=world.cluster, year=2026, by=world.officer)


def test_payment_numbers_a_receipt_and_the_pdf_names_member_and_amount(world: Any) -> None:
    membership = _active(world, headcount=3)
    services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False)
    call = FeeCall.objects.get(membership=membership)
    payment = services.record_payment(
        fee_call=call, amount=Decimal("120"), paid_on=dt.date(2026, 2, 1), by=world.board
    )
    call.refresh_from_db()
    assert call.is_paid and payment.receipt_number == f"R2026-{call.pk}-1"
    pdf = receipt_pdf(payment)
    assert pdf.startswith(b"%PDF") and payment.receipt_number.encode() in pdf  # the title, in the metadata
    with pytest.raises(ValidationError):
        services.record_payment(
            fee_call=call, amount=Decimal("0"), paid_on=dt.date(2026, 2, 1), by=world.board
        )
    with pytest.raises(PermissionDenied):
        services.record_payment(
            fee_call=call, amount=Decimal("5"), paid_on=dt.date(2026, 2, 1), by=world.firm_editor
        )


def test_bank_csv_matches_references_reports_bad_lines_and_reruns_to_nothing(world: Any) -> None:
    membership = _active(world, headcount=3)
    services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False)
    call = FeeCall.objects.get(membership=membership)
    statement = (
        "Date;Libellé;Montant;Référence\n"
        f"03/02/2026;VIR NUAGE SUD COT2026-{call.pk};120,00;B1\n"
        "04/02/2026;FRAIS BANCAIRES;-4,50;B2\n"
        "05/02/2026;VIR INCONNU;60,00;B3\n"
        "31/02/2026;VIR X COT2026-1;60,00;B4\n"
    ).encode("cp1252")
    report = services.import_bank_csv(cluster=world.cluster, data=statement, by=world.board)
    assert report.created == 1
    assert [(r.line, r.field) for r in report.rejections] == [(4, "libellé"), (5, "date")]
    assert report.warnings  # not UTF-8: read as Windows-1252, said so
    call.refresh_from_db()
    assert call.is_paid
    again = services.import_bank_csv(cluster=world.cluster, data=statement, by=world.board)
    assert again.created == 0 and again.unchanged == 1
    assert call.payments.count() == 1


def test_reminders_then_lapse_after_grace_and_payment_reactivates(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    membership = _active(world, headcount=3)
    MemberContact.objects.create(membership=membership, name="Compta", email="compta@nuage.example")
    services.call_fees(
        cluster=world.cluster, year=2026, by=world.board, due_on=dt.date(2026, 3, 31), notify=False
    )
    mail.outbox.clear()
    assert services.send_reminders_and_lapse(dt.date(2026, 4, 15)) == {"reminded": 0, "lapsed": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders_and_lapse(dt.date(2026, 5, 1)) == {"reminded": 1, "lapsed": 0}
    assert services.send_reminders_and_lapse(dt.date(2026, 5, 2)) == {"reminded": 0, "lapsed": 0}
    assert mail.outbox[0].to == ["compta@nuage.example"]
    assert f"COT2026-{membership.fee_calls.get().pk}" in mail.outbox[0].body
    assert services.send_reminders_and_lapse(dt.date(2026, 6, 1))["lapsed"] == 1  # 60 days' grace
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LAPSED
    assert not Relation.objects.filter(source=world.firm, target=world.cluster).exists()
    services.record_payment(
        fee_call=membership.fee_calls.get(), amount=Decimal("120"), paid_on=dt.date(2026, 6, 2), by=None
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def _payments_world(world: Any) -> list[FeeCall]:
    """Three members' 2026 fee calls (120 € each); the second member has lapsed."""
    firms = [world.firm]
    for name in ("Données Sud SAS", "Réseaux Sud SAS"):
        firm = OrganisationFactory(name=name, naf_code="62.01Z", headcount_band="01")
        firm.memberships.create(user=world.firm_editor, role="admin")
        firms.append(firm)
    for firm in firms:
        membership = services.apply(college=world.cloud, organisation=firm, by=world.firm_editor, headcount=3)
        services.decide(membership=membership, by=world.officer, approve=True)
    services.call_fees(cluster=world.cluster, year=2026, by=world.board, notify=False)
    calls = list(FeeCall.objects.filter(membership__cluster=world.cluster).order_by("pk"))
    Membership.objects.filter(pk=calls[1].membership_id).update(status=MembershipStatus.LAPSED)
    return calls


def _payments_state() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """What recording payments wrote, without the rows' own ids (a rolled-back try reuses none)."""
    return (
        list(Payment.objects.order_by("pk").values_list(
            "fee_call_id", "amount", "paid_on", "method", "reference", "receipt_number", "recorded_by_id"
        )),
        list(FeeCall.objects.order_by("pk").values_list("pk", "paid")),
        list(Membership.objects.order_by("pk").values_list("pk", "status", "joined_on", "ended_on")),
        list(MembershipEvent.objects.order_by("pk").values_list("membership_id", "from_status", "to_status", "note")),
    )  # fmt: skip


def test_record_payments_records_each_payment_as_record_payment_does(world: Any) -> None:
    calls = _payments_world(world)
    on = dt.date(2026, 2, 1)
    payments = [
        services.PaymentFields(fee_call=calls[0], amount=Decimal("60"), paid_on=on, reference="B1"),
        services.PaymentFields(fee_call=calls[1], amount=Decimal("120"), paid_on=on, method="cheque"),
        services.PaymentFields(fee_call=calls[0], amount=Decimal("60"), paid_on=dt.date(2026, 3, 1), reference="B2"),
        services.PaymentFields(fee_call=calls[2], amount=Decimal("50"), paid_on=on),
        services.PaymentFields(fee_call=calls[1], amount=Decimal("10"), paid_on=on),  # paid over: active once
    ]  # fmt: skip
    before = _payments_state()

    def tried(record: Any) -> tuple[Any, ...]:
        with transaction.atomic():
            savepoint = transaction.savepoint()
            record()
            state = _payments_state()
            transaction.savepoint_rollback(savepoint)
        assert _payments_state() == before
        return state

    one_by_one = tried(
        lambda: [
            services.record_payment(by=world.board, **{f.name: getattr(p, f.name) for f in fields(p)})
            for p in payments
        ]
    )
    together = tried(lambda: services.record_payments(payments=payments, by=world.board))

    assert together == one_by_one
    recorded, paid, memberships, events = together
    assert [(r[0], r[5]) for r in recorded] == [
        (calls[0].pk, f"R2026-{calls[0].pk}-1"), (calls[1].pk, f"R2026-{calls[1].pk}-1"),
        (calls[0].pk, f"R2026-{calls[0].pk}-2"), (calls[2].pk, f"R2026-{calls[2].pk}-1"),
        (calls[1].pk, f"R2026-{calls[1].pk}-2"),
    ]  # fmt: skip
    assert paid == [
        (calls[0].pk, Decimal("120")),
        (calls[1].pk, Decimal("130")),
        (calls[2].pk, Decimal("50")),
    ]
    assert [m[1] for m in memberships if m[0] in {c.membership_id for c in calls}] == ["active"] * 3
    assert events[len(before[3]) :] == [
        (calls[1].membership_id, "lapsed", "active", "Cotisation 2026 réglée")
    ]


def test_record_payments_refuses_all_on_one_bad_payment(world: Any) -> None:
    calls = _payments_world(world)
    on = dt.date(2026, 2, 1)
    good = services.PaymentFields(fee_call=calls[0], amount=Decimal("60"), paid_on=on, reference="B1")
    with pytest.raises(ValidationError):  # the same bank reference twice for one call
        services.record_payments(payments=[good, good], by=world.board)
    with pytest.raises(PermissionDenied):
        services.record_payments(payments=[good], by=world.firm_editor)
    assert not Payment.objects.exists() and not FeeCall.objects.filter(paid__gt=0).exists()


def test_members_manage_their_own_contacts_others_may_not(world: Any) -> None:
    membership = _active(world)
    contact = services.save_contact(
        membership=membership, by=world.firm_editor, data={"name": "Awa", "email": "awa@nuage.example"}
    )
    with pytest.raises(PermissionDenied):
        services.save_contact(
            membership=membership, by=world.firm_member, data={"name": "X", "email": "x@y.fr"}
        )
    with pytest.raises(ValidationError):
        services.save_contact(
            membership=membership, by=world.firm_editor, data={"name": "Y", "email": "pas-un-courriel"}
        )
    services.delete_contact(contact=contact, by=world.firm_editor)
    assert not membership.contacts.exists()


def test_resign_and_exclude(world: Any) -> None:
    membership = _active(world)
    with pytest.raises(PermissionDenied):
        services.end_membership(membership=membership, by=world.firm_editor, status=MembershipStatus.EXCLUDED)
    services.end_membership(membership=membership, by=world.firm_editor, status=MembershipStatus.RESIGNED)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.RESIGNED and membership.ended_on
    # A new application is possible once the former one is closed.
    assert (
        services.apply(college=world.cloud, organisation=world.firm, by=world.firm_editor).status == "pending"
    )
