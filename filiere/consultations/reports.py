"""The results report as PDF (reportlab), XLSX and ODS (tablib), and the anonymised open data of
the contributions as CSV. Every figure comes from `selectors.results`, like the HTML page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import tablib
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from filiere.core.exports import safe_cell, safe_value

from .models import Contribution, Process
from .selectors import Results

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def tables(r: Results) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's tables: title, headers, rows."""
    return [
        (
            _("Participation par phase"),
            [_("Phase"), _("Contributions"), _("Participants")],
            [list(row) for row in r.by_phase],
        ),
        (
            _("Participants par type d'acteur"),
            [_("Type d'acteur"), _("Participants")],
            [list(row) for row in r.by_actor],
        ),
        (
            _("Participants par département"),
            [_("Département"), _("Participants")],
            [list(row) for row in r.by_department],
        ),
        (_("Contributions par type"), [_("Type"), _("Contributions")], [list(row) for row in r.by_kind]),
        (_("Réponses de l'équipe"), [_("Réponse"), _("Contributions")], [list(row) for row in r.answers]),
        (
            _("Contributions les plus soutenues"),
            [_("Section"), _("Type"), _("Texte"), _("Soutiens"), _("Réponse")],
            [
                [
                    c.section_label,
                    c.get_kind_display(),
                    c.title or c.body[:200],
                    c.supports_count,
                    c.get_answer_display(),
                ]
                for c in r.top
            ],
        ),
        (
            _("Ce qui a changé"),
            [_("Version"), _("Section"), _("Champ"), _("Après"), _("Origine")],
            [
                [
                    ch.version.number,
                    ch.section_label,
                    ch.field,
                    ch.after[:300],
                    ", ".join(f"n° {c.pk}" for c in ch.contributions.all()) or ch.reason,
                ]
                for ch in r.changes
            ],
        ),
    ]


def render_results(r: Results, fmt: str) -> tuple[bytes, str]:
    if fmt == "pdf":
        return _pdf(r), FORMATS["pdf"]
    book = tablib.Databook()
    summary = tablib.Dataset(headers=[_("Indicateur"), _("Valeur")], title=_("Synthèse")[:31])
    for label, value in (
        (_("Participants"), r.participants),
        (_("Contributions visibles"), r.contributions),
        (_("Soutiens"), r.supports),
        (_("Contributions masquées"), r.hidden),
    ):
        summary.append([safe_cell(label), value])
    book.add_sheet(summary)
    for title, headers, rows in tables(r):
        sheet = tablib.Dataset(headers=[safe_cell(h) for h in headers], title=title[:31])
        for row in rows:
            sheet.append([safe_value(v) for v in row])
        book.add_sheet(sheet)
    return book.export(fmt), FORMATS[fmt]


def _pdf(r: Results) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=r.process.title)
    story: list[Any] = [
        Paragraph(escape(r.process.title), styles["Title"]),
        Paragraph(
            escape(
                _("%(people)s participants, %(n)s contributions visibles, %(supports)s soutiens.")
                % {"people": r.participants, "n": r.contributions, "supports": r.supports}
            ),
            styles["Normal"],
        ),
    ]
    cell = styles["BodyText"]
    for title, headers, rows in tables(r):
        story += [Spacer(1, 12), Paragraph(escape(title), styles["Heading2"])]
        if not rows:
            story.append(Paragraph(escape(_("Aucune donnée.")), cell))
            continue
        data = [[Paragraph(escape(str(h)), cell) for h in headers]]
        data += [[Paragraph(escape(str(v)), cell) for v in row] for row in rows]
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    doc.build(story)
    return out.getvalue()


OPEN_DATA_HEADERS = [
    "id",
    "phase",
    "type",
    "section",
    "section_id",
    "en_reponse_a",
    "titre",
    "texte",
    "type_acteur",
    "departement",
    "soutiens",
    "reponse",
    "motif_reponse",
    "date",
]


class _Echo:
    """A file-like object whose `write` returns the line, for a streamed CSV response."""

    def write(self, value: str) -> str:
        return value


def open_data_lines(process: Process) -> Iterator[str]:
    """The open data as CSV lines, produced as the database cursor reads (no file in memory)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(OPEN_DATA_HEADERS)
    for row in _open_data_rows(process):
        yield writer.writerow(row)


def _open_data_rows(process: Process) -> Iterator[list[str]]:
    """Visible contributions without any identity (no name, pseudonym, firm or account): the
    actor kind and the department are the only facts about their author."""
    rows = (
        Contribution.objects.filter(process=process)
        .visible()
        .order_by("pk")
        .values_list(
            "pk",
            "phase__kind",
            "kind",
            "node_type",
            "node_id",
            "parent_id",
            "title",
            "body",
            "participation__actor_kind",
            "participation__department_id",
            "supports_count",
            "answer",
            "answer_reason",
            "created_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        values: list[Any] = list(row)
        values[-1] = values[-1].date()
        yield [safe_cell(v) for v in values]
