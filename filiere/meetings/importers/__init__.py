"""Import of a B2B programme's participants, and of accepted requests, from a CSV or XLSX file.

An organiser uploads one file (`/rendez-vous/<id>/import/`, docs/meetings.md "Import"):
- a **participants** table (a CSV file, or an XLSX sheet) keyed on the e-mail of an existing
  Filière account: role, organisation (SIRET, SIREN or exact name), unavailable slots and fixed
  table (numbered from 1, as on the pages), presentation;
- a **requests** table (a CSV file, or a second sheet of the workbook): two participants' e-mails,
  a priority and a reason; each becomes an accepted request added by the organiser.
A table is recognised by its columns. CSV in UTF-8 (with or without BOM) or Windows-1252 (read
with a warning), separated by `;`, `,` or tabs.

Each line is checked whole, then written in its own transaction: a refused line (unknown
account, SIRET, participant; a request to oneself; a slot or table out of range; a line repeated
in the file) is reported by line and field and writes nothing, the valid ones are kept, and a
rerun of the corrected file adds what was missing and counts the rest unchanged. A file that
cannot be read at all, or a programme with no table, is refused before anything is written.
Keyed on the account (one participant per person and programme) and on the pair of people (one
request per pair, either way); an empty cell leaves the field as it is, a presentation the person
wrote is never overwritten, and a person who withdrew stays withdrawn.

Runs in the request, as the governance member files do: a forum's file has hundreds of lines,
each a handful of queries; one `core.ImportRun` (kind `meetings:participants`) records it.

The participants are then registered for the programme's event by a task, never in the request
(`tasks.register_imported_participants` → `services.register_participants_for_event`: each
registration locks the event, counts its seats and renders a mail with its ICS, 2 to 3 times the
import's own time). The import enqueues it on commit when it wrote participants and marks its run
`options["registrations"]` pending; the task records there what it did (`record_registrations`),
which the page shows (`registrations_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.core.imports import ImportReport
from filiere.core.models import ImportRun

from .. import selectors, services, tasks
from ..models import MeetingRequest, Participant, ParticipantRole, Programme, RequestStatus
from . import parsing, reading
from .reading import FileRefused

__all__ = [
    "MAX_ROWS",
    "RUN_KIND",
    "WRITTEN",
    "FileRefused",
    "import_participants",
    "record_registrations",
    "register_after_import",
    "registrations_of",
    "runs_of",
]

RUN_KIND = "meetings:participants"
MAX_ROWS = 5000  # per table: far above the biggest forum (1,000 participants)
WRITTEN = ("created", "updated", "unchanged")  # a participants' line counted so: the task has work

ROLES = {
    "acheteur": ParticipantRole.BUYER,
    "donneur d'ordre": ParticipantRole.BUYER,
    "buyer": ParticipantRole.BUYER,
    "fournisseur": ParticipantRole.SUPPLIER,
    "offreur": ParticipantRole.SUPPLIER,
    "supplier": ParticipantRole.SUPPLIER,
    "les deux": ParticipantRole.BOTH,
    "both": ParticipantRole.BOTH,
}
# The file's header names for the report (the French ones the format documents).
LABELS = {
    "email": "email",
    "organisation": "organisation",
    "role": "rôle",
    "unavailable": "indisponibilités",
    "fixed_table": "table fixe",
    "sender": "demandeur",
    "recipient": "destinataire",
    "priority": "priorité",
}


@dataclass
class _Context:
    programme: Programme
    by: Any
    report: ImportReport
    now: Any = field(default_factory=timezone.now)
    emails: dict[str, tuple[str, int]] = field(default_factory=dict)  # email → (where, line)
    pairs: dict[frozenset[int], tuple[str, int]] = field(default_factory=dict)
    # The participants found so far by e-mail: a requests table names the same people often.
    people: dict[str, Participant] = field(default_factory=dict)


def import_participants(
    *, programme: Programme, by: Any, filename: str, data: bytes, queue_registrations: bool = True
) -> ImportReport:
    """Read an organiser's participants (and requests) file into `programme` (module docstring).

    `by` manages the programme (PermissionDenied otherwise), or is None for the operator's
    command. Raises nothing for bad input: a whole-file problem is one rejection, with nothing
    written. When participants were written, their registrations for the event are left pending
    on the run and, with `queue_registrations`, a task is enqueued on commit to make them; the
    command passes False and runs `register_after_import` itself.
    """
    if by is not None and not selectors.may_manage(by, programme):
        raise PermissionDenied
    report = ImportReport()
    ImportRun.objects.mark_abandoned()
    run = ImportRun.objects.create(
        kind=RUN_KIND,
        files=[filename[:200]],
        options={"programme": programme.pk, "by": by.pk if by is not None else None},
    )
    report.run = run
    try:
        _import(programme, by, filename, data, report)
    except FileRefused as refusal:
        report.reject(line=None, field="fichier", message=str(refusal))
    except BaseException as error:
        run.finish(
            ImportRun.Status.FAILED,
            counts=report.counts,
            rejections=report.rejections_as_dicts(),
            error=f"{type(error).__name__}: {error}",
        )
        raise
    participants_written = sum(report.counts.get(f"participants_{what}", 0) for what in WRITTEN)
    if participants_written:
        run.options["registrations"] = {"state": "pending", "queued_at": timezone.now().isoformat()}
        run.save(update_fields=["options"])
    run.finish(ImportRun.Status.DONE, counts=report.counts, rejections=report.rejections_as_dicts())
    if participants_written and queue_registrations:
        transaction.on_commit(lambda: tasks.register_imported_participants.enqueue(programme.pk, run.pk))
    return report


def register_after_import(programme: Programme, run_id: int | None) -> services.RegistrationPass:
    """Register the programme's participants for its event (`services.register_participants_for_event`)
    and record the outcome on the import's run, or that it failed (then raise)."""
    try:
        outcome = services.register_participants_for_event(programme)
    except Exception as error:
        record_registrations(run_id, {"state": "failed", "error": f"{type(error).__name__}: {error}"})
        raise
    record_registrations(
        run_id,
        {
            "state": "done",
            "counts": outcome.counts,
            "notes": outcome.notes[: ImportRun.MAX_STORED_REJECTIONS],
            "notes_total": len(outcome.notes),
        },
    )
    return outcome


def record_registrations(run_id: int | None, values: dict[str, Any]) -> None:
    """Store a registration pass's state in its run's `options["registrations"]`, stamped now."""
    run = ImportRun.objects.filter(pk=run_id or 0).first()
    if run is None:
        return
    queued = run.options.get("registrations", {}).get("queued_at")
    run.options["registrations"] = {"queued_at": queued, **values, "finished_at": timezone.now().isoformat()}
    run.save(update_fields=["options"])


def registrations_of(programme: Programme) -> dict[str, Any] | None:
    """The last registration pass after an import of the programme, for the page: state (pending,
    done, failed), when it was queued and finished, its counts, and its notes in the reader's
    language (the events app's reasons are stored as French msgids)."""
    run = (
        ImportRun.objects.filter(
            kind=RUN_KIND, options__programme=programme.pk, options__has_key="registrations"
        )
        .only("pk", "options")
        .first()
    )
    if run is None:
        return None
    stored = run.options["registrations"]
    notes = []
    for note in stored.get("notes", []):
        if note["kind"] == "waitlisted":
            text = _(
                "Événement complet : %(email)s est inscrit en liste d'attente (une place libérée lui sera "
                "proposée par mail)."
            )
        elif note["kind"] == "cancelled":
            text = _("%(email)s a annulé son inscription à l'événement : elle n'est pas rétablie.")
        else:
            text = (
                _("%(email)s n'est pas inscrit à l'événement.") + " " + _(note["reason"]).replace("%", "%%")
            )
        notes.append(text % {"email": note["email"]})
    return {
        "run": run.pk,
        "state": stored["state"],
        "queued_at": _when(stored.get("queued_at")),
        "finished_at": _when(stored.get("finished_at")),
        "counts": stored.get("counts", {}),
        "notes": notes,
        "more_notes": stored.get("notes_total", 0) - len(notes),
        "error": stored.get("error", ""),
    }


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _import(programme: Programme, by: Any, filename: str, data: bytes, report: ImportReport) -> None:
    if programme.tables < 1:
        raise FileRefused(_("Le programme n'a aucune table : indiquez le nombre de tables avant d'importer."))
    if programme.slots < 1:
        raise FileRefused(
            _("Le programme n'a aucun créneau : indiquez le nombre de créneaux avant d'importer.")
        )
    if not data.strip():
        raise FileRefused(_("Le fichier est vide."))
    if data[:4] == b"\xd0\xcf\x11\xe0":  # the old binary Excel format
        raise FileRefused(_("Classeur .xls (ancien format d'Excel) : enregistrez-le en XLSX ou en CSV."))
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        tables = reading.xlsx_tables(data)
    else:
        tables = [reading.csv_table(data, report)]
    participants: list[tuple[reading.Table, dict[str, int]]] = []
    requests: list[tuple[reading.Table, dict[str, int]]] = []
    for table in tables:
        asked = reading.columns(table.headers, reading.REQUEST_COLUMNS)
        people = reading.columns(table.headers, reading.PARTICIPANT_COLUMNS)
        if "sender" in asked and "recipient" in asked:
            requests.append((table, asked))
        elif "email" in people:
            participants.append((table, people))
        elif table.where:
            report.warn(
                line=1,
                field="fichier",
                where=table.where,
                message=_(
                    "Feuille ignorée : ni colonne « email » ni colonnes « demandeur » et « destinataire »."
                ),
            )
    if not participants and not requests:
        raise FileRefused(
            _(
                "Colonnes introuvables : « email » (participants) ou « demandeur » et « destinataire » "
                "(demandes) attendues."
            )
        )
    context = _Context(programme, by, report)
    # The participants first: the requests of the same file may name them.
    for table, columns in participants:
        for line, cells in _limited(table, report):
            _participant_line(context, table.where, line, cells, columns)
    for table, columns in requests:
        for line, cells in _limited(table, report):
            _request_line(context, table.where, line, cells, columns)


def _limited(table: reading.Table, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for line, cells in table.rows:
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            report.reject(
                line=line,
                field="fichier",
                where=table.where,
                message=_("Plus de %(max)d lignes : le reste du fichier n'est pas lu.") % {"max": MAX_ROWS},
            )
            return
        yield line, cells
        if report.run is not None:
            report.run.beat(report.counts)


def _reject(context: _Context, where: str, line: int, refused: parsing.Refused, cells: list[str]) -> None:
    context.report.reject(
        line=line,
        field=LABELS.get(refused.field, refused.field),
        message=refused.message,
        where=where,
        excerpt=" ; ".join(cells),
    )


def _duplicate(context: _Context, seen: tuple[str, int], where: str, field_name: str) -> parsing.Refused:
    previous_where, previous = seen
    if previous_where and previous_where != where:
        return parsing.Refused(
            field_name,
            _("Doublon de la ligne %(line)d de la feuille « %(sheet)s ».")
            % {"line": previous, "sheet": previous_where},
        )
    return parsing.Refused(field_name, _("Doublon de la ligne %(line)d.") % {"line": previous})


def _participant_line(
    context: _Context, where: str, line: int, cells: list[str], columns: dict[str, int]
) -> None:
    programme, report = context.programme, context.report
    try:
        email = parsing.get(cells, columns, "email").lower()
        if email in context.emails:
            raise _duplicate(context, context.emails[email], where, "email")
        user = parsing.account(email, "email")
        existing = Participant.objects.filter(programme=programme, user=user).first()
        values: dict[str, Any] = {}
        role_text = reading.key(parsing.get(cells, columns, "role"))
        if role_text:
            if role_text not in {reading.key(k) for k in ROLES}:
                raise parsing.Refused(
                    "role",
                    _("Rôle « %(role)s » inconnu : acheteur, fournisseur ou les deux.") % {"role": role_text},
                )
            values["role"] = next(v for k, v in ROLES.items() if reading.key(k) == role_text)
        elif existing is None:
            raise parsing.Refused("role", _("Rôle manquant : acheteur, fournisseur ou les deux."))
        organisation_text = parsing.get(cells, columns, "siret") or parsing.get(
            cells, columns, "organisation"
        )
        if organisation_text:
            values["organisation"] = parsing.organisation(organisation_text)
        slots_text = parsing.get(cells, columns, "unavailable")
        if slots_text:
            values["unavailable_slots"] = parsing.slots(slots_text, programme.slots)
        table_text = parsing.get(cells, columns, "fixed_table")
        if table_text:
            values["fixed_table"] = parsing.table(table_text, programme.tables)
        presentation = parsing.get(cells, columns, "presentation")[:2000]
        if presentation and (existing is None or not existing.presentation):
            values["presentation"] = presentation
    except parsing.Refused as refused:
        _reject(context, where, line, refused, cells)
        return
    context.emails[email] = (where, line)  # a refused line does not hide a later, valid one
    if "organisation" in values and values["organisation"].pk not in permissions.organisation_ids_of(user):
        report.warn(
            line=line,
            field="organisation",
            where=where,
            message=_("%(email)s n'est pas membre de %(name)s sur Filière.")
            % {"email": email, "name": values["organisation"].name},
        )
    try:
        with transaction.atomic():
            if existing is None:
                Participant.objects.create(programme=programme, user=user, **values)
                _counted(report, "participants", "created")
                return
            if existing.cancelled_at is not None:
                report.warn(
                    line=line,
                    field="email",
                    where=where,
                    message=_("%(email)s s'est désisté : sa participation n'est pas rétablie.")
                    % {"email": email},
                )
                _counted(report, "participants", "unchanged")
                return
            changed = [name for name, value in values.items() if getattr(existing, name) != value]
            if not changed:
                _counted(report, "participants", "unchanged")
                return
            for name in changed:
                setattr(existing, name, values[name])
            existing.save(update_fields=[*changed, "updated_at"])
            _counted(report, "participants", "updated")
    except IntegrityError:  # the same person written meanwhile by another import
        _reject(context, where, line, _concurrent("email"), cells)


def _counted(report: ImportReport, table: str, what: str) -> None:
    """Count a written line in the totals and in its table's detail (participants, requests)."""
    report.count(what)
    report.count(f"{table}_{what}")


def _participant(context: _Context, email: str, field_name: str) -> Participant:
    email = email.lower()
    if email in context.people:
        return context.people[email]
    user = parsing.account(email, field_name)
    found = (
        Participant.objects.filter(programme=context.programme, user=user, cancelled_at__isnull=True)
        .select_related("user")
        .first()
    )
    if found is None:
        raise parsing.Refused(field_name, _("%(email)s ne participe pas à ce programme.") % {"email": email})
    context.people[email] = found
    return found


def _request_line(
    context: _Context, where: str, line: int, cells: list[str], columns: dict[str, int]
) -> None:
    programme, report = context.programme, context.report
    try:
        sender = _participant(context, parsing.get(cells, columns, "sender"), "sender")
        recipient = _participant(context, parsing.get(cells, columns, "recipient"), "recipient")
        if sender.pk == recipient.pk:
            raise parsing.Refused("recipient", _("Une demande de rendez-vous avec soi-même."))
        pair = frozenset((sender.pk, recipient.pk))
        if pair in context.pairs:
            raise _duplicate(context, context.pairs[pair], where, "recipient")
        priority_text = parsing.get(cells, columns, "priority") or "0"
        if not re.fullmatch(r"-?\d{1,4}", priority_text):
            raise parsing.Refused(
                "priority", _("Priorité « %(value)s » : un nombre entier.") % {"value": priority_text}
            )
        priority = int(priority_text)
        existing = MeetingRequest.objects.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
        ).first()
        if existing is not None and existing.status != RequestStatus.ACCEPTED:
            raise parsing.Refused(
                "recipient",
                _("Une demande existe déjà entre eux (%(status)s) : elle n'est pas modifiée.")
                % {"status": existing.get_status_display().lower()},
            )
    except parsing.Refused as refused:
        _reject(context, where, line, refused, cells)
        return
    context.pairs[pair] = (where, line)
    try:
        with transaction.atomic():
            if existing is None:
                MeetingRequest.objects.create(
                    programme=programme,
                    sender=sender,
                    recipient=recipient,
                    reason=parsing.get(cells, columns, "reason")[:1000] or _("Ajouté par l'organisateur"),
                    priority=priority,
                    status=RequestStatus.ACCEPTED,
                    added_by=context.by,
                    answered_at=context.now,
                )
                _counted(report, "requests", "created")
            elif existing.priority != priority:
                existing.priority = priority
                existing.save(update_fields=["priority", "updated_at"])
                _counted(report, "requests", "updated")
            else:
                _counted(report, "requests", "unchanged")
    except IntegrityError:  # the same pair written meanwhile by another import or a participant
        _reject(context, where, line, _concurrent("recipient"), cells)


def _concurrent(field_name: str) -> parsing.Refused:
    return parsing.Refused(field_name, _("Écrite au même moment par ailleurs : relancez le fichier."))


def runs_of(programme: Programme) -> list[ImportRun]:
    """The programme's last imports, newest first."""
    return list(ImportRun.objects.filter(kind=RUN_KIND, options__programme=programme.pk)[:5])
