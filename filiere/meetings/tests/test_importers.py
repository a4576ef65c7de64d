"""The organisers' import of participants and requests: each bad input refused by line and field
with nothing written for it, the valid lines kept, a rerun idempotent (importers/)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from openpyxl import Workbook

from filiere.core.models import ImportRun
from filiere.events import selectors as events_selectors
from filiere.events import services as events_services
from filiere.events.models import Event, Registration
from filiere.meetings import importers, services, tasks
from filiere.meetings.models import MeetingRequest, Participant, Programme, RequestStatus
from filiere.meetings.tests.factories import make_day, person
from filiere.organisations.tests.factories import EstablishmentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HEADER = "email;nom;prénom;siret;rôle;indisponibilités;table fixe;présentation\n"


def run(day: Any, text: str | bytes, filename: str = "participants.csv") -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return importers.import_participants(
        programme=day.programme, by=day.organiser, filename=filename, data=data
    )


def rejections(report: Any) -> list[tuple[int | None, str]]:
    return [(r.line, r.field) for r in report.rejections]


@pytest.fixture
def day() -> Any:
    return make_day(suppliers=1, slots=4, tables=2)


@pytest.fixture
def firm() -> Any:
    organisation = OrganisationFactory(name="LabSoft", siren="552100554")
    EstablishmentFactory(organisation=organisation, siret="55210055400013")
    return organisation


def test_valid_file_adds_participants_with_their_fields_and_a_rerun_changes_nothing(
    day: Any, firm: Any
) -> None:
    labsoft, _ = person("Lea", "Autre")
    akka, akka_org = person("Marc", "Akka Technologies")
    text = (
        HEADER
        + "lea@example.org;Martin;Léa;55210055400013;fournisseur;1, 3-4;;Jumeaux numériques\n"
        + "marc@example.org;Durand;Marc;;acheteur;;2;\n"
    )
    report = run(day, text)
    assert report.ok and report.created == 2
    lea = Participant.objects.get(user=labsoft)
    assert (lea.role, lea.organisation, lea.unavailable_slots, lea.fixed_table) == (
        "supplier",
        firm,
        [0, 2, 3],
        None,
    )
    assert lea.presentation == "Jumeaux numériques"
    marc = Participant.objects.get(user=akka)
    assert (marc.role, marc.organisation, marc.fixed_table) == ("buyer", None, 1)
    stamps = sorted(Participant.objects.values_list("pk", "updated_at"))

    again = run(day, text)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    assert sorted(Participant.objects.values_list("pk", "updated_at")) == stamps
    runs = ImportRun.objects.filter(kind=importers.RUN_KIND).order_by("pk")
    assert [r.counts["created"] for r in runs] == [2, 0] and runs[0].options["programme"] == day.programme.pk
    assert akka_org.pk  # the person's own firm is not forced on them


def test_each_bad_line_is_refused_by_line_and_field_and_the_valid_ones_are_kept(day: Any, firm: Any) -> None:
    for name in ("Ana", "Bob", "Cid", "Dan", "Eve", "Fay"):
        person(name, f"Firme {name}")
    text = (
        HEADER
        + "ana@example.org;;;55210055400013;fournisseur;;;\n"  # 2: valid
        + "inconnu@example.org;;;;fournisseur;;;\n"  # 3: no account
        + "bob@example.org;;;99999999999999;fournisseur;;;\n"  # 4: unknown SIRET
        + "cid@example.org;;;;fournisseur;5;;\n"  # 5: slot out of range (4 slots)
        + "dan@example.org;;;;fournisseur;;3;\n"  # 6: table out of range (2 tables)
        + "eve@example.org;;;;vendeur;;;\n"  # 7: unknown role
        + "ana@example.org;;;;acheteur;;;\n"  # 8: duplicate of line 2
        + "fay@example.org;;;;;;;\n"  # 9: no role for a newcomer
        + "cid@example.org;;;;les deux;x;;\n"  # 10: not a slot number
    )
    report = run(day, text)
    assert rejections(report) == [
        (3, "email"),
        (4, "organisation"),
        (5, "indisponibilités"),
        (6, "table fixe"),
        (7, "rôle"),
        (8, "email"),
        (9, "rôle"),
        (10, "indisponibilités"),
    ]
    messages = [r.message for r in report.rejections]
    assert "inconnu@example.org" in messages[0] and "99999999999999" in messages[1]
    assert "Créneau 5 hors du programme (1 à 4)" in messages[2] and "Table 3" in messages[3]
    assert "Doublon de la ligne 2" in messages[5]
    assert report.created == 1
    imported = Participant.objects.filter(programme=day.programme).exclude(
        pk__in=[day.buyer.pk, *[p.pk for p in day.suppliers]]
    )
    assert [(p.user.email, p.role) for p in imported] == [("ana@example.org", "supplier")]
    assert ImportRun.objects.get().rejections[0]["line"] == 3


def test_a_rerun_of_the_corrected_file_finishes_the_job(day: Any) -> None:
    person("Ana", "Firme A")
    person("Bob", "Firme B")
    first = run(day, HEADER + "ana@example.org;;;;fournisseur;;;\nbob@example.org;;;;fournisseur;9;;\n")
    assert first.created == 1 and rejections(first) == [(3, "indisponibilités")]
    second = run(day, HEADER + "ana@example.org;;;;fournisseur;;;\nbob@example.org;;;;fournisseur;2;;\n")
    assert (second.created, second.unchanged, second.rejected) == (1, 1, 0)
    assert Participant.objects.get(user__email="bob@example.org").unavailable_slots == [1]


def test_an_edit_updates_the_organisers_fields_but_never_the_persons_own_text_nor_a_withdrawal(
    day: Any,
) -> None:
    supplier = day.suppliers[0]
    supplier.presentation = "Mon propre texte"
    supplier.save()
    email = supplier.user.email
    report = run(day, HEADER + f"{email};;;;les deux;2;1;Texte de l'organisateur\n")
    supplier.refresh_from_db()
    assert report.updated == 1
    assert (supplier.role, supplier.unavailable_slots, supplier.fixed_table) == ("both", [1], 0)
    assert supplier.presentation == "Mon propre texte"
    services.cancel_participation(participant=supplier, by=supplier.user)
    report = run(day, HEADER + f"{email};;;;fournisseur;;;\n")
    supplier.refresh_from_db()
    assert supplier.cancelled_at is not None and supplier.role == "both"
    assert report.unchanged == 1 and "désisté" in report.warnings[0].message


def test_organisation_by_exact_name_unknown_or_ambiguous(day: Any, firm: Any) -> None:
    OrganisationFactory(name="Alten", siren=None)
    OrganisationFactory(name="Alten", siren=None)
    for name in ("Ana", "Bob", "Cid"):
        person(name, f"Firme {name}")
    text = (
        "email;organisation;rôle\n"
        "ana@example.org;labsoft;fournisseur\n"
        "bob@example.org;Alten;fournisseur\n"
        "cid@example.org;Nulle Part;fournisseur\n"
    )
    report = run(day, text)
    assert Participant.objects.get(user__email="ana@example.org").organisation == firm
    assert rejections(report) == [(3, "organisation"), (4, "organisation")]
    assert "SIRET" in report.rejections[0].message
    # Ana is no member of LabSoft on Filière: written, with a warning to check.
    assert any("n'est pas membre de LabSoft" in w.message for w in report.warnings)


def test_requests_are_added_accepted_for_both_and_bad_ones_refused(day: Any) -> None:
    buyer, supplier = day.buyer.user.email, day.suppliers[0].user.email
    person("Ana", "Firme A")
    text = (
        "demandeur;destinataire;priorité;motif\n"
        f"{supplier};{buyer};2;Avion décarboné\n"  # 2: valid
        f"{buyer};{buyer};0;\n"  # 3: to oneself
        f"{buyer};ana@example.org;0;\n"  # 4: Ana has an account but does not take part
        f"{buyer};{supplier};1;\n"  # 5: the same pair, the other way round
        f"{buyer};personne@example.org;0;\n"  # 6: no account
        f"{supplier};{buyer};haute;\n"  # 7: duplicate too (checked before the priority)
    )
    report = run(day, text)
    assert rejections(report) == [
        (3, "destinataire"),
        (4, "destinataire"),
        (5, "destinataire"),
        (6, "destinataire"),
        (7, "destinataire"),
    ]
    assert "soi-même" in report.rejections[0].message and "ne participe pas" in report.rejections[1].message
    request = MeetingRequest.objects.get()
    assert (request.sender, request.recipient, request.status, request.priority, request.added_by) == (
        day.suppliers[0],
        day.buyer,
        RequestStatus.ACCEPTED,
        2,
        day.organiser,
    )
    again = run(day, f"demandeur;destinataire;priorité\n{buyer};{supplier};5\n")
    request.refresh_from_db()
    assert again.updated == 1 and request.priority == 5 and MeetingRequest.objects.count() == 1
    bad = run(day, f"demandeur;destinataire;priorité\n{buyer};{supplier};haute\n")
    assert rejections(bad) == [(2, "priorité")]


def test_a_declined_request_is_not_turned_into_an_accepted_one(day: Any) -> None:
    request = services.send_request(
        programme=day.programme, by=day.suppliers[0].user, recipient=day.buyer, reason="Projet"
    )
    services.answer_request(request=request, by=day.buyer.user, accept=False)
    report = run(day, f"demandeur;destinataire\n{day.buyer.user.email};{day.suppliers[0].user.email}\n")
    request.refresh_from_db()
    assert rejections(report) == [(2, "destinataire")] and "déclinée" in report.rejections[0].message
    assert request.status == RequestStatus.DECLINED


def test_windows_1252_is_read_with_a_warning(day: Any) -> None:
    OrganisationFactory(name="Société d'Études Aéro", siren=None)
    person("Zoe", "Firme Z")
    text = "email;organisation;rôle;présentation\nzoe@example.org;Société d'Études Aéro;fournisseur;Sûreté\n"
    report = run(day, text.encode("cp1252"))
    participant = Participant.objects.get(user__email="zoe@example.org")
    assert participant.organisation is not None and participant.organisation.name == "Société d'Études Aéro"
    assert participant.presentation == "Sûreté"
    assert report.warnings[0].field == "encodage"


def test_a_programme_without_tables_refuses_the_file_and_writes_nothing(day: Any) -> None:
    Programme.objects.filter(pk=day.programme.pk).update(tables=0)
    day.programme.refresh_from_db()
    person("Ana", "Firme A")
    before = Participant.objects.count()
    report = run(day, HEADER + "ana@example.org;;;;fournisseur;;;\n")
    assert rejections(report) == [(None, "fichier")] and "aucune table" in report.rejections[0].message
    assert Participant.objects.count() == before


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "vide"),
        (b"nom;ville\nA;B\n", "Colonnes introuvables"),
        (b"PK\x03\x04 not a workbook", "XLSX illisible"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls", "enregistrez-le en XLSX"),
        (b"email;r\xc3\xb4le\nana@example.org;" + b"x" * 200_000 + b"\n", "CSV illisible à la ligne 2"),
    ],
)
def test_unreadable_files_are_refused_whole(day: Any, data: bytes, expected: str) -> None:
    report = run(day, data)
    assert [r.field for r in report.rejections] == ["fichier"] and expected in report.rejections[0].message
    assert ImportRun.objects.get().status == ImportRun.Status.DONE


def test_a_workbook_with_a_participants_sheet_and_a_requests_sheet(day: Any, firm: Any) -> None:
    person("Ana", "Firme A")
    book = Workbook()
    people = book.active
    people.title = "Participants"
    people.append(["Email", "Nom", "Prénom", "SIRET", "Rôle", "Indisponibilités", "Table fixe"])
    people.append(["ana@example.org", "A", "Ana", 55210055400013, "Fournisseur", 2, None])
    people.append(["ana@example.org", "A", "Ana", None, "Acheteur", None, None])
    asked = book.create_sheet("Demandes")
    asked.append(["Demandeur", "Destinataire", "Priorité"])
    asked.append(["ana@example.org", day.buyer.user.email, 3])
    notes = book.create_sheet("Notes")
    notes.append(["Liste du 8 octobre"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(day, buffer.getvalue(), "forum.xlsx")
    ana = Participant.objects.get(user__email="ana@example.org")
    assert (ana.organisation, ana.unavailable_slots, ana.role) == (firm, [1], "supplier")
    assert [(r.line, r.where, r.field) for r in report.rejections] == [(3, "Participants", "email")]
    assert MeetingRequest.objects.get().priority == 3
    assert report.counts["participants_created"] == 1 and report.counts["requests_created"] == 1
    assert any(w.where == "Notes" for w in report.warnings)


def test_only_the_organisers_import(day: Any) -> None:
    with pytest.raises(PermissionDenied):
        importers.import_participants(
            programme=day.programme, by=day.buyer.user, filename="x.csv", data=HEADER.encode()
        )
    assert not ImportRun.objects.exists()


def test_a_line_written_meanwhile_by_another_import_is_refused_not_a_crash(
    day: Any, monkeypatch: Any
) -> None:
    """The person is added by someone else between the line's check and its write (two
    organisers importing at once): that line asks for a rerun, the next ones are written."""
    ana, firm_a = person("Ana", "Firme A")
    person("Bob", "Firme B")
    real = importers.permissions.organisation_ids_of

    def racing(user: Any) -> Any:
        if user == ana:
            Participant.objects.create(programme=day.programme, user=ana, role="buyer")
        return real(user)

    monkeypatch.setattr(importers.permissions, "organisation_ids_of", racing)
    report = run(
        day, "email;organisation;rôle\nana@example.org;Firme A;fournisseur\nbob@example.org;;fournisseur\n"
    )
    assert rejections(report) == [(2, "email")] and "relancez" in report.rejections[0].message
    assert Participant.objects.get(user=ana).role == "buyer"
    assert report.created == 1 and Participant.objects.filter(user__email="bob@example.org").exists()
    assert firm_a.pk


def test_the_command_imports_a_file_and_fails_on_rejected_lines(
    day: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django_tasks import task_backends
    from django_tasks.backends.dummy import DummyBackend

    settings.TASKS = DUMMY_TASKS
    person("Ana", "Firme A")
    path = tmp_path / "forum.csv"
    path.write_text(HEADER + "ana@example.org;;;;fournisseur;;A;\nana@example.org;;;;fournisseur;;1;\n")
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError, match="1 ligne"):
        call_command(
            "meetings", "import", str(path), "--programme", str(day.programme.pk), stdout=out, stderr=err
        )
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    assert "register_imported_participants" not in [r.task.name for r in backend.results]
    assert "1 ajoutées" in out.getvalue() and "ligne 2, table fixe" in err.getvalue()
    # The command (not a request) registers the participants itself, and says so.
    assert "Inscriptions à l'événement : 1 ajoutées, 0 en liste d'attente, 2 déjà inscrites" in out.getvalue()
    assert registered(day)["ana@example.org"][0] == "confirmed"
    assert registrations(day)["state"] == "done"
    assert Participant.objects.get(user__email="ana@example.org").fixed_table == 0
    with pytest.raises(CommandError, match="programme"):
        call_command("meetings", "import", str(path), "--programme", "999999")


def test_nul_characters_are_dropped_not_sent_to_the_database(day: Any) -> None:
    person("Ana", "Firme A")
    report = run(day, "email;rôle;présentation\nana@example.org;fournisseur;Jumeaux\x00 numériques\n")
    assert (
        report.ok
        and Participant.objects.get(user__email="ana@example.org").presentation == "Jumeaux numériques"
    )


def registered(day: Any) -> dict[str, tuple[str, str | None]]:
    """The event's registrations: e-mail → (status, organisation's name)."""
    return {
        r.user.email: (r.status, r.organisation.name if r.organisation else None)
        for r in events_selectors.event_registrations(day.programme.event)
    }


def registrations(day: Any) -> dict[str, Any]:
    """The last registration pass recorded on the programme's import run, as the page shows it."""
    summary = importers.registrations_of(day.programme)
    assert summary is not None
    return summary


def test_imported_participants_are_registered_for_the_event_by_the_task_and_a_rerun_registers_nobody_twice(
    day: Any, firm: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana, _ = person("Ana", "Firme A")
    person("Bob", "Firme B")
    # Imported before the import registered people: the pass registers her too.
    cid, _ = person("Cid", "Firme C")
    Participant.objects.create(programme=day.programme, user=cid, role="supplier")
    text = (
        "email;organisation;rôle\n"
        "ana@example.org;Firme A;fournisseur\n"
        "bob@example.org;LabSoft;acheteur\n"  # no member of LabSoft: registered for no firm
        "cid@example.org;;\n"
        f"{day.buyer.user.email};;\n"  # registered already, by the events page
    )
    before = registered(day)
    with django_capture_on_commit_callbacks() as queued:
        report = run(day, text)
    # The import itself registers nobody and mails nobody: one task, on commit, will.
    assert report.ok and report.created == 2 and len(queued) == 1
    assert registered(day) == before and mail.outbox == []
    assert registrations(day)["state"] == "pending"
    assert not any(key.startswith("registrations_") for key in report.counts)
    with django_capture_on_commit_callbacks(execute=True):  # the mails go on the task's commit
        queued[0]()  # the immediate backend runs the task
    assert registered(day) == {
        **before,
        "ana@example.org": ("confirmed", "Firme A"),
        "bob@example.org": ("confirmed", None),
        "cid@example.org": ("confirmed", None),
    }
    # The pass covers the programme: the buyer and the supplier of the day were registered already.
    summary = registrations(day)
    assert summary["state"] == "done" and summary["finished_at"] is not None and summary["notes"] == []
    assert summary["counts"] == {"created": 3, "waitlisted": 0, "unchanged": 2, "not_registered": 0}
    # Each new registrant gets the events app's confirmation, with the ticket for the door.
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bob@example.org", "cid@example.org"]
    assert Registration.objects.get(user=ana).status == "confirmed"

    mail.outbox.clear()
    rows = sorted(Registration.objects.values_list("pk", "user", "status", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        again = run(day, text)
    assert again.ok and (again.created, again.unchanged) == (0, 4)
    assert registrations(day)["counts"] == {
        "created": 0,
        "waitlisted": 0,
        "unchanged": 5,
        "not_registered": 0,
    }
    # A second task (two imports at once, a retried job) registers nobody twice either.
    assert tasks.register_imported_participants.call(day.programme.pk, again.run_id)["unchanged"] == 5
    assert sorted(Registration.objects.values_list("pk", "user", "status", "updated_at")) == rows
    assert mail.outbox == []


def test_only_an_import_that_wrote_participants_enqueues_the_registrations(
    day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        refused = run(day, "email;rôle\nnul@example.org;fournisseur\n")
        requests_only = run(
            day, f"demandeur;destinataire\n{day.suppliers[0].user.email};{day.buyer.user.email}\n"
        )
    assert rejections(refused) == [(2, "email")] and requests_only.ok and requests_only.created == 1
    assert queued == [] and importers.registrations_of(day.programme) is None


def test_a_full_event_puts_the_imported_on_its_waitlist_with_a_note_not_a_crash(
    day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Event.objects.filter(pk=day.programme.event_id).update(capacity=2)  # the buyer and one supplier
    person("Ana", "Firme A")
    person("Bob", "Firme B")
    with django_capture_on_commit_callbacks(execute=True):
        report = run(day, "email;rôle\nana@example.org;fournisseur\nbob@example.org;fournisseur\n")
    assert report.ok and report.created == 2 and not report.warnings
    assert Participant.objects.filter(user__email__in=["ana@example.org", "bob@example.org"]).count() == 2
    assert registered(day)["ana@example.org"][0] == registered(day)["bob@example.org"][0] == "waitlisted"
    summary = registrations(day)
    assert summary["counts"]["waitlisted"] == 2
    assert summary["notes"] == [
        f"Événement complet : {email} est inscrit en liste d'attente (une place libérée lui sera proposée par mail)."
        for email in ("ana@example.org", "bob@example.org")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run(day, "email;rôle\nana@example.org;fournisseur\nbob@example.org;fournisseur\n")
    summary = registrations(day)
    assert summary["counts"]["unchanged"] == 4 and summary["counts"]["waitlisted"] == 0
    assert summary["notes"] == []
    assert Registration.objects.filter(user__email="ana@example.org").count() == 1


def test_an_event_closed_to_registrations_still_takes_the_participants_with_a_note(
    day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Event.objects.filter(pk=day.programme.event_id).update(is_published=False)
    person("Ana", "Firme A")
    with django_capture_on_commit_callbacks(execute=True):
        report = run(day, "email;rôle\nana@example.org;fournisseur\n")
    assert report.ok and report.created == 1
    assert "ana@example.org" not in registered(day)
    summary = registrations(day)
    assert summary["counts"]["not_registered"] == 1
    assert summary["notes"] == [
        "ana@example.org n'est pas inscrit à l'événement. Cet événement n'est pas ouvert aux inscriptions."
    ]
    with translation.override("en"):  # the events app's reason too, in the reader's language
        assert registrations(day)["notes"] == [
            "ana@example.org is not registered for the event. This event is not open for registration."
        ]


def test_who_cancelled_their_registration_or_withdrew_is_not_registered_again(
    day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    supplier = day.suppliers[0]
    registration = events_selectors.active_registration(supplier.user, day.programme.event)
    assert registration is not None
    events_services.cancel_registration(registration=registration, by=supplier.user)
    ana, _ = person("Ana", "Firme A")
    Participant.objects.create(programme=day.programme, user=ana, role="buyer", cancelled_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        report = run(day, f"email;rôle\n{supplier.user.email};\nana@example.org;\n")
    assert report.ok and report.unchanged == 2
    assert registered(day)[supplier.user.email][0] == "cancelled" and "ana@example.org" not in registered(day)
    assert [w.line for w in report.warnings] == [3] and "s'est désisté" in report.warnings[0].message
    summary = registrations(day)
    assert summary["counts"] == {"created": 0, "waitlisted": 0, "unchanged": 1, "not_registered": 1}
    assert summary["notes"] == [
        f"{supplier.user.email} a annulé son inscription à l'événement : elle n'est pas rétablie."
    ]


def test_a_failed_pass_is_recorded_and_the_next_import_registers_who_is_missing(
    day: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    person("Ana", "Firme A")

    def broken(programme: Any) -> Any:
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(services, "register_participants_for_event", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend records the failure
        run(day, "email;rôle\nana@example.org;fournisseur\n")
    assert registrations(day)["state"] == "failed" and "ana@example.org" not in registered(day)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        run(day, "email;rôle\nana@example.org;fournisseur\n")
    assert registrations(day)["state"] == "done" and registered(day)["ana@example.org"][0] == "confirmed"
