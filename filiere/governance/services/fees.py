"""Fee calls (by the college's grid, pro rata for a late joiner), payments typed or read from the
bank's CSV export, receipts' numbers, reminders and lapsing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.imports import ImportReport
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations.models import BAND_MIDPOINTS, Organisation

from .. import selectors, tasks
from ..models import (
    ZERO,
    FeeBand,
    FeeBasis,
    FeeCall,
    Membership,
    MembershipStatus,
    Payment,
    PaymentMethod,
)
from .files import decode, parse_amount, parse_date, sniff_rows
from .membership import activate_membership, log_membership_event, notify_member, sync_member_relation

CENT = Decimal("0.01")
REMINDER_EVERY_DAYS = 30
MAX_REMINDERS = 3
# A fee call's reference (`call_reference`) quoted in a bank statement's label.
_CALL_REF = re.compile(r"COT\s*(\d{4})\s*-\s*(\d+)", re.IGNORECASE)


# --- Applications and statuses ---------------------------------------------------------------


def _measure(membership: Membership, basis: str) -> Decimal | None:
    if basis == FeeBasis.TURNOVER:
        return membership.turnover
    if membership.headcount is not None:
        return Decimal(membership.headcount)
    if membership.organisation_id and membership.organisation.headcount_band:  # type: ignore[union-attr]
        return Decimal(str(BAND_MIDPOINTS.get(membership.organisation.headcount_band, 0)))  # type: ignore[union-attr]
    return ZERO


def yearly_fee(membership: Membership, bands: list[FeeBand]) -> Decimal:
    """The full year's fee from the college's grid: the first band whose range holds the
    member's headcount (declared, else the directory's band midpoint) or turnover."""
    for band in bands:
        value = _measure(membership, band.basis)
        if value is not None and band.covers(value):
            return band.amount
    return ZERO


def grid_for_year(bands: list[FeeBand], year: int) -> list[FeeBand]:
    """A college's grid for `year`: the bands of that year when it has some, else the bands
    without a year (the standing grid)."""
    own = [b for b in bands if b.year == year]
    return own or [b for b in bands if b.year is None]


def pro_rata(amount: Decimal, joined_on: dt.date | None, year: int) -> Decimal:
    """A member who joined during `year` pays the months left, the joining month included."""
    if joined_on is None or joined_on.year != year:
        return amount
    months = 12 - joined_on.month + 1
    return (amount * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)


def call_fees(
    *, cluster: Organisation, year: int, by: User | None, due_on: dt.date | None = None, notify: bool = True
) -> int:
    """Call the year's fee of every active membership of the cluster that has none yet; returns
    how many calls were made. Idempotent: a rerun calls nobody twice (one call a year)."""
    if by is not None and not selectors.is_board(by, cluster):
        raise PermissionDenied
    due_on = due_on or dt.date(year, 3, 31)
    bands: dict[int, list[FeeBand]] = defaultdict(list)
    for band in FeeBand.objects.filter(college__cluster=cluster):
        bands[band.college_id].append(band)
    called = set(
        FeeCall.objects.filter(membership__cluster=cluster, year=year).values_list("membership_id", flat=True)
    )
    memberships = (
        Membership.objects.active()
        .filter(cluster=cluster)
        .exclude(pk__in=called)
        .select_related("organisation")
        .only("pk", "college_id", "headcount", "turnover", "joined_on", "organisation__headcount_band")
    )
    calls = []
    for membership in memberships.iterator(chunk_size=2000):
        amount = pro_rata(
            yearly_fee(membership, grid_for_year(bands.get(membership.college_id or 0, []), year)),
            membership.joined_on,
            year,
        )
        calls.append(FeeCall(membership=membership, year=year, amount=amount, due_on=due_on))
    with transaction.atomic():
        FeeCall.objects.bulk_create(calls, batch_size=1000, ignore_conflicts=True)
    if notify and calls:
        transaction.on_commit(lambda: _notify_fee_calls(cluster.pk, year))
    return len(calls)


def _notify_fee_calls(cluster_id: int, year: int) -> None:
    tasks.send_fee_call_notices.enqueue(cluster_id=cluster_id, year=year)


def send_fee_call_notices(*, cluster_id: int, year: int) -> int:
    """Mail each fee call of the year to the member's contacts (run as a task)."""
    sent = 0
    calls = FeeCall.objects.filter(
        membership__cluster_id=cluster_id, year=year, reminders_sent=0, paid__lt=F("amount")
    )
    for call in calls.select_related("membership__cluster", "membership__organisation", "membership__person"):
        sent += _mail_call(call, "fee_call")
    return sent


def call_reference(call: FeeCall) -> str:
    """The reference printed on a fee call, to be quoted on the transfer (bank CSV matching)."""
    return f"COT{call.year}-{call.pk}"


def _mail_call(call: FeeCall, template: str) -> int:
    recipients = selectors.fee_recipients(call.membership)
    if not recipients:
        return 0
    send_templated_mail(
        f"governance/mail/{template}",
        to=recipients,
        context={
            "call": call,
            "member": call.membership.member_name,
            "cluster": call.membership.cluster.name,
            "reference": call_reference(call),
            "url": absolute_url(reverse("governance:membership", args=[call.membership_id])),
        },
    )
    return 1


@dataclass(frozen=True)
class PaymentFields:
    """One payment for `record_payments`: `record_payment`'s fields."""

    fee_call: FeeCall
    amount: Decimal
    paid_on: dt.date
    method: str = PaymentMethod.TRANSFER
    reference: str = ""


def record_payment(
    *,
    fee_call: FeeCall,
    amount: Decimal,
    paid_on: dt.date,
    by: User | None,
    method: str = PaymentMethod.TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received for a fee call: numbered receipt, the call's paid total, and a
    lapsed membership paid in full becomes active again."""
    fields = PaymentFields(
        fee_call=fee_call, amount=amount, paid_on=paid_on, method=method, reference=reference
    )
    return record_payments(payments=[fields], by=by)[0]


@transaction.atomic
def record_payments(*, payments: Iterable[PaymentFields], by: User | None) -> list[Payment]:
    """`record_payment` for many payments (the demo's year of fees), as if recorded one after the
    other: the calls read and locked at once, receipts numbered in order, the payments inserted
    together. All or nothing: the first refused payment raises and nothing is recorded."""
    wanted = list(payments)
    calls = (
        FeeCall.objects.select_for_update(of=("self",))
        .select_related("membership__cluster")
        .in_bulk({p.fee_call.pk for p in wanted})
    )
    counts: dict[int, int] = defaultdict(int)
    references: dict[int, set[str]] = defaultdict(set)
    for call_id, reference in Payment.objects.filter(fee_call_id__in=list(calls)).values_list(
        "fee_call_id", "reference"
    ):
        counts[call_id] += 1
        references[call_id].add(reference)
    board: dict[int, bool] = {}
    recorded: list[Payment] = []
    # A lapsed membership is active again from the first payment that pays one of its calls in full.
    reactivated: dict[int, tuple[Membership, str]] = {}
    for fields in wanted:
        call = calls.get(fields.fee_call.pk)
        if call is None:
            raise FeeCall.DoesNotExist("FeeCall matching query does not exist.")
        if by is not None:
            cluster = call.membership.cluster
            if cluster.pk not in board:
                board[cluster.pk] = selectors.is_board(by, cluster)
            if not board[cluster.pk]:
                raise PermissionDenied
        if fields.amount <= 0:
            raise ValidationError({"amount": [_("Le montant doit être positif.")]})
        if fields.reference and fields.reference in references[call.pk]:
            raise ValidationError({"reference": [_("Ce paiement est déjà enregistré.")]})
        counts[call.pk] += 1
        references[call.pk].add(fields.reference)
        recorded.append(
            Payment(
                fee_call=call, amount=fields.amount, paid_on=fields.paid_on, method=fields.method,
                reference=fields.reference, receipt_number=f"R{call.year}-{call.pk}-{counts[call.pk]}",
                recorded_by=by,
            )
        )  # fmt: skip
        call.paid = call.paid + fields.amount
        membership = call.membership
        if call.is_paid and membership.status == MembershipStatus.LAPSED and membership.pk not in reactivated:
            reactivated[membership.pk] = (membership, _("Cotisation %(year)s réglée") % {"year": call.year})
    Payment.objects.bulk_create(recorded)
    now = timezone.now()
    paid_calls = list({p.fee_call_id: calls[p.fee_call_id] for p in recorded}.values())
    for call in paid_calls:
        call.updated_at = now  # what save() would set (auto_now); bulk_update does not
    FeeCall.objects.bulk_update(paid_calls, fields=["paid", "updated_at"])
    for membership, note in reactivated.values():
        activate_membership(membership, by=by, note=note)
    return recorded


def import_bank_csv(*, cluster: Organisation, data: bytes, by: User | None) -> ImportReport:
    """Payments from a bank statement export (Date; Libellé; Montant; Référence): a credit whose
    label quotes a fee call's reference (COT2026-123) is recorded against it. Debits are skipped,
    unmatched credits are reported by line; a re-imported statement changes nothing."""
    if by is not None and not selectors.is_board(by, cluster):
        raise PermissionDenied
    report = ImportReport()
    for line, row in enumerate(sniff_rows(decode(data, report)), start=2):
        label = row.get("libellé") or row.get("libelle") or row.get("label") or ""
        try:
            amount = parse_amount(row.get("montant") or row.get("crédit") or row.get("credit") or "")
        except ArithmeticError:
            report.reject(line=line, field="montant", message=_("Montant illisible."), excerpt=str(row))
            continue
        try:
            paid_on = parse_date(row.get("date") or row.get("date_opération") or "")
        except ValueError:
            report.reject(
                line=line, field="date", message=_("Date illisible (JJ/MM/AAAA attendu)."), excerpt=str(row)
            )
            continue
        if amount <= 0:
            report.count("skipped")
            continue
        match = _CALL_REF.search(label)
        call = None
        if match:
            call = FeeCall.objects.filter(
                pk=int(match.group(2)), year=int(match.group(1)), membership__cluster=cluster
            ).first()
        if call is None:
            report.reject(
                line=line, field="libellé",
                message=_("Aucun appel de cotisation reconnu dans le libellé (référence COTAAAA-N attendue)."),
                excerpt=label,
            )  # fmt: skip
            continue
        reference = row.get("référence") or row.get("reference") or ""
        reference = reference or hashlib.sha1(f"{paid_on}|{label}|{amount}".encode()).hexdigest()[:20]
        if call.payments.filter(reference=reference).exists():
            report.unchanged += 1
            continue
        record_payment(fee_call=call, amount=amount, paid_on=paid_on, by=None, reference=reference)
        report.created += 1
    return report


def send_reminders_and_lapse(today: dt.date | None = None) -> dict[str, int]:
    """The daily task: remind unpaid fee calls every 30 days after the due date (three times at
    most), and lapse active memberships still unpaid past their college's grace period."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "lapsed": 0}
    unpaid = FeeCall.objects.filter(
        paid__lt=F("amount"), due_on__lt=today, membership__status=MembershipStatus.ACTIVE
    ).select_related("membership__college__rules", "membership__cluster", "membership__organisation")
    for call in unpaid:
        membership = call.membership
        rules = getattr(membership.college, "rules", None) if membership.college_id else None
        grace = rules.grace_days if rules else 60
        if today > call.due_on + dt.timedelta(days=grace):
            with transaction.atomic():
                membership.status = MembershipStatus.LAPSED
                membership.ended_on = today
                membership.save(update_fields=["status", "ended_on", "updated_at"])
                log_membership_event(
                    membership,
                    MembershipStatus.ACTIVE,
                    by=None,
                    note=_("Cotisation %(year)s impayée") % {"year": call.year},
                )
                sync_member_relation(membership)
            notify_member(membership, "lapsed")
            counts["lapsed"] += 1
            continue
        next_on = (call.last_reminder_on or call.due_on) + dt.timedelta(days=REMINDER_EVERY_DAYS)
        if call.reminders_sent < MAX_REMINDERS and today >= next_on:
            _mail_call(call, "fee_reminder")
            FeeCall.objects.filter(pk=call.pk).update(
                reminders_sent=F("reminders_sent") + 1, last_reminder_on=today
            )
            counts["reminded"] += 1
    return counts
