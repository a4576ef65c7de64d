"""The comparison of a need's answers as CSV, XLSX or ODS: every path of the need (the page shows
those that answered), the most advanced first, with each step's date.

Text cells go through the formula-injection guard (`core.exports.safe_cell`); amounts and lead
times stay numbers, so a spreadsheet can sum and sort them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

import tablib
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from filiere.core.exports import FORMATS, safe_cell

from .models import BuyerNeed, NeedInvitation

__all__ = ["FORMATS", "export_answers"]


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def headers() -> list[str]:
    return [
        _("Entreprise"),
        _("Montant (€)"),
        _("Délai (jours)"),
        _("Réponse"),
        _("Étape"),
        _("Origine"),
        _("Raisons de la proposition"),
        _("Notifiée"),
        _("Relancée"),
        _("Consulté"),
        _("Répondu"),
        _("Décliné"),
        _("Motif du refus"),
        _("Présélectionnée"),
        pgettext("parcours", "Retenue"),
    ]


def rows(invitations: Iterable[NeedInvitation]) -> list[list[str | int | None]]:
    return [
        [
            safe_cell(i.organisation.name),
            i.amount,
            i.delay_days,
            safe_cell(i.answer),
            safe_cell(str(i.get_status_display())),
            safe_cell(str(i.get_source_display())),
            safe_cell(i.match_reasons),
            _when(i.notified_at),
            _when(i.reminded_at),
            _when(i.opened_at),
            _when(i.answered_at),
            _when(i.declined_at),
            safe_cell(i.decline_reason),
            _when(i.shortlisted_at),
            _when(i.selected_at),
        ]
        for i in invitations
    ]


def export_answers(
    need: BuyerNeed, invitations: Iterable[NeedInvitation], fmt: str
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the comparison in `fmt` (csv, xlsx or ods)."""
    content_type, extension = FORMATS[fmt]
    name = f"reponses-{slugify(need.title)[:60] or need.pk}.{extension}"
    table = rows(invitations)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers())
        writer.writerows(table)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type, name
    dataset = tablib.Dataset(headers=headers(), title=_("Réponses"))
    for row in table:
        dataset.append(row)
    return dataset.export(fmt), content_type, name
