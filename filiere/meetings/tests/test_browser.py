"""A B2B day in real Chromium: a supplier asks the aircraft maker's buyer for a meeting, the
buyer accepts, the organiser computes and publishes the schedule, both see the meeting in their
agenda and download its ICS and its PDF.

Run with `pytest -m browser`; needs /usr/bin/chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from filiere.core.testing import assert_accessible, sign_in
from filiere.meetings.models import Meeting, MeetingRequest, Participant
from filiere.organisations.tests.factories import PASSWORD

from .factories import make_day
from .factories import person as make_person
from .test_files import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def agenda_files(page: Any, site: str, pk: int, tmp_path: Path, name: str) -> tuple[Calendar, bytes]:
    """The agenda page's two downloads: the ICS (parsed) and the PDF (bytes)."""
    page.goto(f"{site}/rendez-vous/{pk}/agenda/")
    assert_accessible(page)
    files = []
    for link, suffix in (("Ajouter à mon agenda (ICS)", "ics"), ("Mon agenda à imprimer (PDF)", "pdf")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        target = tmp_path / f"{name}.{suffix}"
        download.value.save_as(target)
        files.append(target.read_bytes())
    return Calendar.from_ical(files[0]), files[1]


def test_request_accept_schedule_and_agendas(browser_context: Any, site: str, tmp_path: Path) -> None:
    day = make_day(suppliers=2, slots=4, tables=2)
    pk = day.programme.pk
    supplier, buyer = day.suppliers[0], day.buyer
    page = browser_context.new_page()

    # The supplier finds the aircraft maker in the marketplace and asks for a meeting.
    sign_in(page, site, supplier.user.email, PASSWORD)
    page.goto(f"{site}/rendez-vous/")
    assert_accessible(page)
    page.get_by_role("link", name="Speed dating avionneur").first.click()
    page.wait_for_url(f"**/rendez-vous/{pk}/")
    assert_accessible(page)
    page.get_by_label("Motif du rendez-vous").first.fill("Projet d'avion décarboné cofinancé")
    page.get_by_role("button", name="Demander un rendez-vous").first.click()
    page.get_by_text("Demande envoyée.").wait_for()
    request = MeetingRequest.objects.get()
    assert request.sender_id == supplier.pk and request.recipient_id == buyer.pk

    # The buyer accepts.
    sign_in(page, site, buyer.user.email, PASSWORD)
    page.goto(f"{site}/rendez-vous/{pk}/")
    page.get_by_text("Projet d'avion décarboné cofinancé").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_url(f"**/rendez-vous/{pk}/")
    request.refresh_from_db()
    assert request.status == "accepted"

    # The organiser adds a latecomer from a file (one line refused, by line and field), then
    # computes the schedule (a task) and publishes it.
    newcomer, _firm = make_person("Lina", "U-Need")
    listing = tmp_path / "participants.csv"
    listing.write_text(
        f"email;rôle;indisponibilités\n{newcomer.email};fournisseur;1\nx@example.org;acheteur;\n"
    )
    sign_in(page, site, day.organiser.email, PASSWORD)
    page.goto(f"{site}/rendez-vous/{pk}/organisation/")
    assert_accessible(page)
    page.get_by_role("link", name="Importer des participants et des demandes (CSV, XLSX)").click()
    page.get_by_label("Fichier des participants (CSV ou XLSX, 5 Mo au plus)").set_input_files(listing)
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("1 lignes ajoutées, 0 mises à jour, 0 inchangées, 1 rejetées.").wait_for()
    assert_accessible(page)
    assert Participant.objects.get(user=newcomer).unavailable_slots == [0]
    page.goto(f"{site}/rendez-vous/{pk}/organisation/")
    page.get_by_role("button", name="Calculer le planning").click()
    page.get_by_text("Dernier calcul : 1 rendez-vous placés").wait_for()
    page.get_by_role("button", name="Publier le planning").click()
    page.get_by_text("Planning publié : chaque participant").wait_for()
    page.goto(f"{site}/rendez-vous/{pk}/plan-de-tables/")
    assert_accessible(page)
    meeting = Meeting.objects.get()

    # Both see it in their agenda and download the same meeting as ICS and as PDF.
    for person, name in ((buyer, "buyer"), (supplier, "supplier")):
        sign_in(page, site, person.user.email, PASSWORD)
        calendar, pdf = agenda_files(page, site, pk, tmp_path, name)
        assert pdf_text(pdf).count("Projet d'avion décarboné cofinancé") == 1
        [vevent] = calendar.walk("VEVENT")
        assert vevent.decoded("dtstart") == day.programme.slot_start(meeting.slot).replace(microsecond=0)
        assert str(vevent["uid"]).startswith(f"meeting-{request.pk}@")
        other = supplier if person == buyer else buyer
        assert other.organisation is not None and other.organisation.name in str(vevent["summary"])
