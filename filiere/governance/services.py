"""Writes of the governance app: applications and decisions, fee calls, payments, reminders and
lapsing, contacts, votes, funding lines and the ledger. The merger lives in `merger.py`.

Every service takes the acting user (`by`, None for a task) and checks its right through
`selectors` (the one place that decides); a refusal is a `ValidationError` (shown on the form)
or `PermissionDenied`. Changes of status are logged in `MembershipEvent`; the directory's
"member of" relation follows the membership (`organisations.services.set_member_relation`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.imports import ImportReport
from filiere.core.mail import absolute_url, send_templated_mail
from filiere.organisations import services as organisation_services
from filiere.organisations.models import BAND_MIDPOINTS, College, Organisation

from . import selectors, tasks
from .models import (
    ZERO,
    Attendance,
    CollegeRules,
    CollegeVote,
    Decision,
    FeeBand,
    FeeBasis,
    FeeCall,
    FundingLine,
    FundingStatus,
    LedgerEntry,
    Meeting,
    MemberContact,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Payment,
    PaymentMethod,
)
from .naf import naf_matches

CENT = Decimal("0.01")
REMINDER_EVERY_DAYS = 30
MAX_REMINDERS = 3


# --- Applications and statuses ---------------------------------------------------------------


def rules_of(college: College) -> CollegeRules:
    """The college's rules (defaults when none were set: open to all, approval needed)."""
    rules, _created = CollegeRules.objects.get_or_create(college=college)
    return rules


def eligibility_errors(college: College, organisation: Organisation | None) -> list[str]:
    """Why `organisation` (None: a person) may not join `college`, in the applicant's words."""
    rules = rules_of(college)
    if organisation is None:
        return [] if rules.accepts_people else [_("Ce collège n'accueille que des organisations.")]
    errors = []
    if rules.kinds and organisation.kind not in rules.kinds:
        errors.append(_("Ce collège n'accueille pas ce type d'acteur."))
    if rules.naf_prefixes and not any(naf_matches(organisation.naf_code, p) for p in rules.naf_prefixes):
        errors.append(
            _("L'activité principale (NAF %(naf)s) n'entre pas dans celles du collège.")
            % {"naf": organisation.naf_code or "?"}
        )
    if rules.headcount_bands and organisation.headcount_band not in rules.headcount_bands:
        errors.append(_("La tranche d'effectif n'entre pas dans celles du collège."))
    return errors


def _log(membership: Membership, from_status: str, *, by: User | None, note: str = "") -> None:
    MembershipEvent.objects.create(
        membership=membership,
        at=timezone.now(),
        from_status=from_status,
        to_status=membership.status,
        by=by,
        note=note[:255],
    )


def _sync_relation(membership: Membership) -> None:
    if membership.organisation_id is None:
        return
    organisation_services.set_member_relation(
        member=membership.organisation,  # type: ignore[arg-type]
        cluster=membership.cluster,
        college=membership.college,
        active=membership.status == MembershipStatus.ACTIVE,
        start_date=membership.joined_on,
        end_date=membership.ended_on,
    )


@transaction.atomic
def apply(
    *,
    college: College,
    by: User,
    organisation: Organisation | None = None,
    headcount: int | None = None,
    turnover: Decimal | None = None,
    note: str = "",
) -> Membership:
    """A firm (by one of its editors) or a person (`organisation` None) applies to a college.
    Checked against the college's rules; active at once when the college needs no approval."""
    if organisation is not None and not selectors.may_act_for(by, organisation):
        raise PermissionDenied
    errors = eligibility_errors(college, organisation)
    if errors:
        raise ValidationError({"college": errors})
    open_ = Membership.objects.filter(cluster=college.cluster, status__in=["pending", "active"])
    open_ = (
        open_.filter(organisation=organisation)
        if organisation
        else open_.filter(person=by, organisation=None)
    )
    if open_.exists():
        raise ValidationError({"college": [_("Une adhésion à ce cluster est déjà en cours.")]})
    membership = Membership.objects.create(
        cluster=college.cluster,
        college=college,
        organisation=organisation,
        person=None if organisation else by,
        headcount=headcount,
        turnover=turnover,
        applied_by=by,
        note=note[:255],
    )
    _log(membership, "", by=by, note=_("Demande d'adhésion"))
    if not rules_of(college).approval_required:
        _activate(membership, by=by, note=_("Adhésion sans validation (règle du collège)"))
    else:
        _notify_officers(membership)
    return membership


def _activate(membership: Membership, *, by: User | None, note: str) -> None:
    previous = membership.status
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = membership.joined_on or timezone.localdate()
    membership.ended_on = None
    membership.save(update_fields=["status", "joined_on", "ended_on", "updated_at"])
    _log(membership, previous, by=by, note=note)
    _sync_relation(membership)


@transaction.atomic
def decide(*, membership: Membership, by: User, approve: bool, note: str = "") -> Membership:
    """The college's officers (or the board) accept or refuse a pending application."""
    if not selectors.may_manage_college(by, membership.college):
        raise PermissionDenied
    membership = Membership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if approve:
        _activate(membership, by=by, note=note or _("Adhésion validée"))
    else:
        membership.status = MembershipStatus.REFUSED
        membership.save(update_fields=["status", "updated_at"])
        _log(membership, MembershipStatus.PENDING, by=by, note=note or _("Adhésion refusée"))
    _notify_member(membership, "decision")
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by: User, status: str, note: str = "") -> Membership:
    """Resign (the member itself, or the board) or exclude (officers, board) a membership."""
    if status == MembershipStatus.RESIGNED:
        allowed = selectors.is_member_side(by, membership) or selectors.may_manage_college(
            by, membership.college
        )
    elif status == MembershipStatus.EXCLUDED:
        allowed = selectors.may_manage_college(by, membership.college)
    else:
        raise ValidationError(_("Statut de fin inconnu."))
    if not allowed:
        raise PermissionDenied
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.LAPSED):
        raise ValidationError(_("Cette adhésion est déjà close."))
    previous = membership.status
    membership.status = status
    membership.ended_on = timezone.localdate()
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    _log(membership, previous, by=by, note=note)
    _sync_relation(membership)
    return membership


# --- Fees ----------------------------------------------------------------------------------


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


_CALL_REF = re.compile(r"COT\s*(\d{4})\s*-\s*(\d+)", re.IGNORECASE)


def _amount(text: str) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    return Decimal(cleaned)


def _date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def decode(data: bytes, report: ImportReport) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as French spreadsheets save CSV, with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warn(line=None, field="encodage", message=_("Fichier non UTF-8 : lu en Windows-1252."))
        return data.decode("cp1252", errors="replace")


def sniff_rows(text: str) -> list[dict[str, str]]:
    """CSV rows (`;` or `,`), headers folded to lower case without spaces."""
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")  # type: ignore[assignment]
    except csv.Error:
        pass
    reader = csv.reader(io.StringIO(text), dialect)
    rows = list(reader)
    if not rows:
        return []
    headers = [re.sub(r"\s+", "_", h.strip().lower()) for h in rows[0]]
    return [dict(zip(headers, [c.strip() for c in row], strict=False)) for row in rows[1:]]


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


def _notify_officers(membership: Membership) -> None:
    emails = selectors.officer_emails(membership.college)
    if emails:
        transaction.on_commit(
            lambda: send_templated_mail(
                "governance/mail/application",
                to=emails,
                context={
                    "member": membership.member_name,
                    "college": membership.college.name if membership.college else "",
                    "url": absolute_url(reverse("governance:college", args=[membership.college_id])),
                },
            )
        )


def _notify_member(membership: Membership, template: str) -> None:
    recipients = selectors.fee_recipients(membership)
    if recipients:
        context = {
            "member": membership.member_name,
            "cluster": membership.cluster.name,
            "status": membership.get_status_display(),
            "url": absolute_url(reverse("governance:membership", args=[membership.pk])),
        }
        transaction.on_commit(
            lambda: send_templated_mail(f"governance/mail/{template}", to=recipients, context=context)
        )


# --- Contacts ------------------------------------------------------------------------------


def save_contact(
    *, membership: Membership, by: User, data: dict[str, Any], contact: MemberContact | None = None
) -> MemberContact:
    """The member's own people add and change the contacts the cluster writes to."""
    if not selectors.is_member_side(by, membership, editing=True):
        raise PermissionDenied
    contact = contact or MemberContact(membership=membership)
    for name in ("name", "email", "phone", "role", "receives_fee_calls"):
        if name in data:
            setattr(contact, name, data[name])
    contact.full_clean()
    contact.save()
    return contact


def delete_contact(*, contact: MemberContact, by: User) -> None:
    if not selectors.is_member_side(by, contact.membership, editing=True):
        raise PermissionDenied
    contact.delete()


# --- Bodies and votes ----------------------------------------------------------------------


def convene(*, meeting: Meeting, by: User) -> int:
    """Send the convocation to every seat of the body; returns how many were sent."""
    if not selectors.is_board(by, meeting.body.cluster):
        raise PermissionDenied
    emails = [s.user.email for s in meeting.body.seats.select_related("user") if s.user.email]
    # The meeting's page: its seats see the agenda, the attendance and the decisions there.
    url = absolute_url(reverse("governance:meeting", args=[meeting.pk]))
    for email in emails:  # one mail each: seats do not see each other's addresses
        send_templated_mail(
            "governance/mail/convocation",
            to=[email],
            context={"meeting": meeting, "body": meeting.body.name, "url": url},
        )
    meeting.convened_at = timezone.now()
    meeting.save(update_fields=["convened_at", "updated_at"])
    return len(emails)


@transaction.atomic
def record_attendance(*, meeting: Meeting, by: User, present: list[int], proxies: dict[int, int]) -> None:
    """Who was there (seat ids) and who gave a proxy to whom (seat → seat). A proxy goes to a
    person present, who holds at most the body's `max_proxies`."""
    if not selectors.is_board(by, meeting.body.cluster):
        raise PermissionDenied
    seats = set(meeting.body.seats.values_list("pk", flat=True))
    if not set(present) <= seats or not set(proxies) | set(proxies.values()) <= seats:
        raise ValidationError(_("Siège inconnu dans cette instance."))
    held: dict[int, int] = defaultdict(int)
    for giver, holder in proxies.items():
        if holder not in present or giver in present:
            raise ValidationError(_("Un pouvoir est donné par un absent à une personne présente."))
        held[holder] += 1
        if held[holder] > meeting.body.max_proxies:
            raise ValidationError(
                _("Une personne présente détient au plus %(n)d pouvoirs.") % {"n": meeting.body.max_proxies}
            )
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, seat_id=seat, present=seat in present, proxy_to_id=proxies.get(seat))
        for seat in seats
    )


@transaction.atomic
def record_vote(*, decision: Decision, by: User, counts: dict[int | None, tuple[int, int, int]]) -> Decision:
    """Count a vote per college (college id → yes, no, abstain). Each college's share of yes among
    the votes cast counts with the weight its statutes give; adopted above half the total
    weight of the colleges that voted. Refused when the meeting has no quorum."""
    if not selectors.is_board(by, decision.meeting.body.cluster):
        raise PermissionDenied
    if not selectors.quorum(decision.meeting)["reached"]:
        raise ValidationError(_("Le quorum n'est pas atteint : le vote ne peut pas avoir lieu."))
    return count_votes(decision=decision, counts=counts)


def count_votes(*, decision: Decision, counts: dict[int | None, tuple[int, int, int]]) -> Decision:
    """Store the per-college counts and the weighted result (no rights checked: `record_vote`
    checks them; the demo loads a past vote)."""
    weights = dict(
        CollegeRules.objects.filter(college_id__in=[c for c in counts if c]).values_list(
            "college_id", "vote_weight"
        )
    )
    decision.college_votes.all().delete()
    total = ZERO
    yes_weight = ZERO
    for college_id, (yes, no, abstain) in counts.items():
        weight = weights.get(college_id, Decimal("1")) if college_id else Decimal("1")
        CollegeVote.objects.create(
            decision=decision, college_id=college_id, yes=yes, no=no, abstain=abstain, weight=weight
        )
        if yes + no:
            total += weight
            yes_weight += weight * Decimal(yes) / Decimal(yes + no)
    decision.weighted_yes = (yes_weight / total).quantize(Decimal("0.0001")) if total else ZERO
    decision.adopted = bool(total) and yes_weight * 2 > total
    decision.save(update_fields=["weighted_yes", "adopted", "updated_at"])
    return decision


# --- Public money --------------------------------------------------------------------------


@transaction.atomic
def update_funding(
    *, line: FundingLine, by: User | None, status: str, granted: Decimal | None = None, paid: Decimal | None = None,
    on: dt.date | None = None, note: str = "",
) -> FundingLine:  # fmt: skip
    """Move a funding line (granted, frozen, paid…), keeping every step in its history."""
    if by is not None and not selectors.is_board(by, line.cluster):
        raise PermissionDenied
    on = on or timezone.localdate()
    if granted is not None:
        line.granted = granted
    if paid is not None:
        if paid > line.granted:
            raise ValidationError({"paid": [_("Le versé dépasse l'accordé.")]})
        line.paid = paid
    if status == FundingStatus.PAID:
        line.paid_on = on
        if paid is None:
            line.paid = line.granted
    if status in (FundingStatus.GRANTED, FundingStatus.REFUSED):
        line.decided_on = on
    line.history = [
        *line.history,
        {"on": on.isoformat(), "status": status, "by": by.pk if by else None, "note": note},
    ]
    line.status = status
    line.save()
    return line


def import_ledger_csv(*, cluster: Organisation, data: bytes, by: User | None) -> ImportReport:
    """Income and expenses (Date; Libellé; Catégorie; Montant; Référence), negative amounts for
    expenses. Keyed on the reference (or the line's content): a rerun adds nothing twice."""
    if by is not None and not selectors.is_board(by, cluster):
        raise PermissionDenied
    report = ImportReport()
    for line, row in enumerate(sniff_rows(decode(data, report)), start=2):
        try:
            amount = _amount(row.get("montant", ""))
        except ArithmeticError:
            report.reject(line=line, field="montant", message=_("Montant illisible."), excerpt=str(row))
            continue
        try:
            date = _date(row.get("date", ""))
        except ValueError:
            report.reject(
                line=line, field="date", message=_("Date illisible (JJ/MM/AAAA attendu)."), excerpt=str(row)
            )
            continue
        label = (row.get("libellé") or row.get("libelle") or "").strip()
        if not label:
            report.reject(line=line, field="libellé", message=_("Libellé manquant."), excerpt=str(row))
            continue
        reference = (
            row.get("référence")
            or row.get("reference")
            or hashlib.sha1(f"{date}|{label}|{amount}".encode()).hexdigest()[:20]
        )
        _entry, created = LedgerEntry.objects.get_or_create(
            cluster=cluster, reference=reference,
            defaults={"date": date, "label": label[:200], "category": (row.get("catégorie") or row.get("categorie") or "")[:60], "amount": amount},
        )  # fmt: skip
        report.count("created" if created else "unchanged")
    return report
