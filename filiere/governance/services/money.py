"""Public money: funding lines (requested, granted, frozen, paid) and the ledger read from CSV."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts.models import User
from filiere.core.imports import ImportReport
from filiere.organisations.models import Organisation

from .. import selectors
from ..models import (
    FundingLine,
    FundingStatus,
    LedgerEntry,
)
from .files import decode, parse_amount, parse_date, sniff_rows


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
            amount = parse_amount(row.get("montant", ""))
        except ArithmeticError:
            report.reject(line=line, field="montant", message=_("Montant illisible."), excerpt=str(row))
            continue
        try:
            date = parse_date(row.get("date", ""))
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
