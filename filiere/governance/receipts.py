"""The PDF receipt of a membership fee payment (reportlab, as the consultations' report: its
standard fonts cover French accents and the euro sign)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from .models import Payment


def _euros(amount: object) -> str:
    return f"{amount:.2f} €".replace(".", ",")


def receipt_pdf(payment: Payment) -> bytes:
    """One A4 page: the cluster, the member, the year, the amount, the date and the number."""
    call = payment.fee_call
    membership = call.membership
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = _("Reçu de cotisation n° %(number)s") % {"number": payment.receipt_number}
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=membership.cluster.name)
    rows = [
        (_("Membre"), membership.member_name),
        (_("Collège"), membership.college.name if membership.college else "—"),
        (_("Cotisation de l'année"), str(call.year)),
        (_("Montant reçu"), _euros(payment.amount)),
        (_("Reçu le"), date_format(payment.paid_on, "SHORT_DATE_FORMAT")),
        (_("Moyen de paiement"), str(payment.get_method_display())),
        (_("Reste dû pour l'année"), _euros(max(call.balance, 0))),
    ]
    story = [
        Paragraph(escape(membership.cluster.name), styles["Title"]),
        Paragraph(escape(title), styles["Heading2"]),
        Spacer(1, 12),
        Table(
            [
                [
                    Paragraph(f"<b>{escape(str(k))}</b>", styles["Normal"]),
                    Paragraph(escape(v), styles["Normal"]),
                ]
                for k, v in rows
            ]
        ),
        Spacer(1, 24),
        Paragraph(
            escape(_("Reçu émis par la plateforme Filière pour le compte de l'association.")),
            styles["Italic"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
