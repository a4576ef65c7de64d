"""Writes of the governance app: applications and decisions, fee calls, payments, reminders and
lapsing, contacts, votes, funding lines and the ledger. The merger lives in `merger.py`.

Every service takes the acting user (`by`, None for a task) and checks its right through
`selectors` (the one place that decides); a refusal is a `ValidationError` (shown on the form)
or `PermissionDenied`. Changes of status are logged in `MembershipEvent`; the directory's
"member of" relation follows the membership (`organisations.services.set_member_relation`).
"""

from __future__ import annotations

from .decisions import convene, count_votes, record_attendance, record_vote
from .fees import (
    CENT,
    MAX_REMINDERS,
    REMINDER_EVERY_DAYS,
    PaymentFields,
    call_fees,
    call_reference,
    grid_for_year,
    import_bank_csv,
    pro_rata,
    record_payment,
    record_payments,
    send_fee_call_notices,
    send_reminders_and_lapse,
    yearly_fee,
)
from .files import decode, sniff_rows
from .membership import (
    apply,
    decide,
    delete_contact,
    eligibility_errors,
    end_membership,
    rules_of,
    save_contact,
)
from .money import import_ledger_csv, update_funding

__all__ = [
    "CENT",
    "MAX_REMINDERS",
    "REMINDER_EVERY_DAYS",
    "PaymentFields",
    "apply",
    "call_fees",
    "call_reference",
    "convene",
    "count_votes",
    "decide",
    "decode",
    "delete_contact",
    "eligibility_errors",
    "end_membership",
    "grid_for_year",
    "import_bank_csv",
    "import_ledger_csv",
    "pro_rata",
    "record_attendance",
    "record_payment",
    "record_payments",
    "record_vote",
    "rules_of",
    "save_contact",
    "send_fee_call_notices",
    "send_reminders_and_lapse",
    "sniff_rows",
    "update_funding",
    "yearly_fee",
]
