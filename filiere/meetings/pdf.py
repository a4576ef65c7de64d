"""A participant's agenda and the organisers' table plan as PDF (reportlab, in the house style of
governance's receipts: the standard fonts cover French accents), to print for the day."""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Meeting, Participant, Programme

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _times(programme: Programme, slot: int) -> str:
    start = timezone.localtime(programme.slot_start(slot))
    end = timezone.localtime(programme.slot_end(slot))
    return f"{start:%H:%M}–{end:%H:%M}"


def _day(programme: Programme) -> str:
    return date_format(timezone.localtime(programme.first_slot_at), "DATE_FORMAT")


def _build(title: str, author: str, story: list[Flowable], *, wide: bool = False) -> bytes:
    buffer = io.BytesIO()
    size = landscape(A4) if wide else A4
    document = SimpleDocTemplate(
        buffer, pagesize=size, title=title, author=author, leftMargin=1.5 * cm, rightMargin=1.5 * cm
    )
    document.build(story)
    return buffer.getvalue()


def _cells(rows: Iterable[Iterable[str]], style_name: str = "Normal") -> list[list[Paragraph]]:
    style = getSampleStyleSheet()[style_name]
    return [[Paragraph(escape(str(value)), style) for value in row] for row in rows]


def agenda_pdf(programme: Programme, me: Participant, meetings: list[Meeting]) -> bytes:
    """One participant's day: when, at which table, with whom and why, in slot order."""
    styles = getSampleStyleSheet()
    event = programme.event
    title = _("Mon agenda : %(title)s") % {"title": event.title}
    header = [_("Heure"), _("Table"), _("Avec"), _("Motif")]
    rows = []
    for meeting in meetings:
        other = meeting.request.recipient if meeting.request.sender_id == me.pk else meeting.request.sender
        rows.append(
            [_times(programme, meeting.slot), str(meeting.table + 1), other.label, meeting.request.reason]
        )
    story: list[Flowable] = [
        Paragraph(escape(event.title), styles["Title"]),
        Paragraph(escape(f"{_day(programme)} — {event.venue}"), styles["Heading3"]),
        Paragraph(escape(_("Agenda de %(who)s") % {"who": me.label}), styles["Heading2"]),
        Spacer(1, 8),
    ]
    if rows:
        story.append(
            Table(
                _cells([header, *rows]),
                colWidths=[2.6 * cm, 1.5 * cm, 6 * cm, 7.4 * cm],
                style=GRID,
                repeatRows=1,
            )
        )
    else:
        story.append(Paragraph(escape(_("Aucun rendez-vous.")), styles["Normal"]))
    story += [
        Spacer(1, 16),
        Paragraph(escape(_("Agenda édité par la plateforme Filière.")), styles["Italic"]),
    ]
    return _build(title, event.organiser.name, story)


def plan_pdf(programme: Programme, meetings: list[Meeting]) -> bytes:
    """The table plan for the organisers: per slot, each meeting's table and its two people."""
    styles = getSampleStyleSheet()
    event = programme.event
    title = _("Plan de tables : %(title)s") % {"title": event.title}
    header = [_("Créneau"), _("Table"), _("Participant"), _("rencontre"), _("Présence")]
    rows = [
        [
            _times(programme, m.slot),
            str(m.table + 1),
            m.request.sender.label,
            m.request.recipient.label,
            str(m.get_attendance_display()),
        ]
        for m in meetings
    ]
    story: list[Flowable] = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(
            escape(
                _("%(day)s — %(slots)d créneaux, %(tables)d tables, %(meetings)d rendez-vous")
                % {
                    "day": _day(programme),
                    "slots": programme.slots,
                    "tables": programme.tables,
                    "meetings": len(rows),
                }
            ),
            styles["Heading3"],
        ),
        Spacer(1, 8),
    ]
    if rows:
        story.append(
            Table(
                _cells([header, *rows]),
                colWidths=[3 * cm, 1.6 * cm, 9 * cm, 9 * cm, 3 * cm],
                style=GRID,
                repeatRows=1,
            )
        )
    else:
        story.append(Paragraph(escape(_("Aucun rendez-vous placé.")), styles["Normal"]))
    return _build(title, event.organiser.name, story, wide=True)
