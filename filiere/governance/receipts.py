"""The PDF receipt of a membership fee payment (fpdf2, pure Python, its core Helvetica font)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import Payment


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1: French accents print; other characters become "?".
    return (
        text.replace("€", "EUR")
        .replace("\u2019", "'")
        .replace("\u202f", " ")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def receipt_pdf(payment: Payment) -> bytes:
    """One A4 page: the cluster, the member, the year, the amount, the date and the number."""
    call = payment.fee_call
    membership = call.membership
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(_("Reçu de cotisation %(number)s") % {"number": payment.receipt_number}))
    pdf.set_creator("Filière")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(membership.cluster.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(
        0,
        10,
        _latin1(_("Reçu de cotisation n° %(number)s") % {"number": payment.receipt_number}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    lines = [
        (_("Membre"), membership.member_name),
        (_("Collège"), membership.college.name if membership.college else "—"),
        (_("Cotisation de l'année"), str(call.year)),
        (_("Montant reçu"), f"{payment.amount:.2f} €".replace(".", ",")),
        (_("Reçu le"), date_format(payment.paid_on, "SHORT_DATE_FORMAT")),
        (_("Moyen de paiement"), payment.get_method_display()),
        (_("Reste dû pour l'année"), f"{max(call.balance, 0):.2f} €".replace(".", ",")),
    ]
    for label, value in lines:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(70, 8, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 8, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, _latin1(_("Reçu émis par la plateforme Filière pour le compte de l'association.")))
    return bytes(pdf.output())
