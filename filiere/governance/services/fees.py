"""Fee calls (by the college's grid, pro rata for a late joiner), payments typed or read from the
bank's CSV export, receipts' numbers, reminders and lapsing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
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
from .files import _CALL_REF, _amount, _date, decode, sniff_rows
from .membership import _activate, _log, _notify_member, _sync_relation

CENT = Decimal("0.01")
REMINDER_EVERY_DAYS = 30
MAX_REMINDERS = 3


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


@transaction.atomic
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
    call = (
        FeeCall.objects.select_for_update(of=("self",))
        .select_related("membership__cluster")
        .get(pk=fee_call.pk)
    )
    if by is not None and not selectors.is_board(by, call.membership.cluster):
        raise PermissionDenied
    if amount <= 0:
        raise ValidationError({"amount": [_("Le montant doit être positif.")]})
    if reference and call.payments.filter(reference=reference).exists():
        raise ValidationError({"reference": [_("Ce paiement est déjà enregistré.")]})
    number = f"R{call.year}-{call.pk}-{call.payments.count() + 1}"
    payment = Payment.objects.create(
        fee_call=call, amount=amount, paid_on=paid_on, method=method, reference=reference,
        receipt_number=number, recorded_by=by,
    )  # fmt: skip
    call.paid = call.paid + amount
    call.save(update_fields=["paid", "updated_at"])
    membership = call.membership
    if call.is_paid and membership.status == MembershipStatus.LAPSED:
        _activate(membership, by=by, note=_("Cotisation %(year)s réglée") % {"year": call.year})
    return payment


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
            amount = _amount(row.get("montant") or row.get("crédit") or row.get("credit") or "")
        except ArithmeticError:
            report.reject(line=line, field="montant", message=_("Montant illisible."), excerpt=str(row))
            continue
        try:
            paid_on = _date(row.get("date") or row.get("date_opération") or "")
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
                _log(
                    membership,
                    MembershipStatus.ACTIVE,
                    by=None,
                    note=_("Cotisation %(year)s impayée") % {"year": call.year},
                )
                _sync_relation(membership)
            _notify_member(membership, "lapsed")
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
