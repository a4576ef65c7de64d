"""Exports of the gap table (CSV, XLSX, ODS): the same rows, in the same order, as the page.

Text cells go through the shared formula-injection guard (`core.exports.safe_cell`);
numbers stay numbers, so a spreadsheet can sum them (and a negative gap is not mistaken for a
formula).
"""

from __future__ import annotations

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from filiere.core.exports import FORMATS, safe_cell
from filiere.needs.models import Campaign
from filiere.needs.selectors import GapTable

__all__ = ["FORMATS", "export_gap_table", "gap_headers", "gap_rows", "invitations_csv"]


def gap_headers() -> list[str]:
    return [
        _("Famille de compétences"),
        _("Code département"),
        _("Département"),
        _("Entreprises"),
        _("Personnes recherchées"),
        _("Demande pondérée"),
        _("Places de formation (12 mois)"),
        _("Écart (demande − offre)"),
    ]


def gap_rows(table: GapTable) -> list[list[str | int | float]]:
    return [
        [
            safe_cell(row.family_label),
            safe_cell(row.department_code),
            safe_cell(row.department_name),
            row.companies,
            row.people,
            row.demand,
            row.supply,
            row.gap,
        ]
        for row in table.rows
    ]


def export_gap_table(table: GapTable, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the gap table in `fmt` (csv, xlsx or ods)."""
    content_type, extension = FORMATS[fmt]
    name = f"ecarts-{slugify(table.filters.campaign.title)[:60] or 'campagne'}.{extension}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(gap_headers())
        writer.writerows(gap_rows(table))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type, name
    import tablib

    dataset = tablib.Dataset(headers=gap_headers(), title=_("Écarts"))
    for row in gap_rows(table):
        dataset.append(row)
    return dataset.export(fmt), content_type, name


def invitations_csv(campaign: Campaign) -> bytes:
    """The invited companies with their private links, for staff who send some links themselves."""
    from filiere.needs.services import survey_url

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Entreprise"), _("SIREN"), _("Département"), _("Contact"), _("Lien personnel"), _("Répondu le")]
    )
    for invitation in campaign.invitations.select_related("organisation").order_by("organisation__name"):
        writer.writerow(
            [
                safe_cell(invitation.organisation.name),
                safe_cell(invitation.organisation.siren),
                safe_cell(invitation.department_code),
                safe_cell(invitation.email),
                survey_url(invitation),
                invitation.answered_at.date().isoformat() if invitation.answered_at else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
