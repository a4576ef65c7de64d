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
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.accounts import permissions
from filiere.accounts import selectors as accounts_selectors
from filiere.core.imports import ImportReport
from filiere.core.models import ImportRun
from filiere.core.text import fold
from filiere.organisations.models import Establishment, Organisation

from .models import MeetingRequest, Participant, ParticipantRole, Programme, RequestStatus

RUN_KIND = "meetings:participants"
MAX_ROWS = 5000  # per table: far above the biggest forum (1,000 participants)

PARTICIPANT_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "courriel", "adresse e-mail", "mail"),
    "last_name": ("nom", "last name"),
    "first_name": ("prénom", "first name"),
    "siret": ("siret", "siren"),
    "organisation": ("organisation", "entreprise", "raison sociale"),
    "role": ("rôle", "role"),
    "unavailable": ("indisponibilités", "créneaux indisponibles", "unavailable slots"),
    "fixed_table": ("table fixe", "fixed table"),
    "presentation": ("présentation", "ce que je cherche ou propose", "presentation"),
}
REQUEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "sender": ("demandeur", "email 1", "e-mail 1", "sender"),
    "recipient": ("destinataire", "email 2", "e-mail 2", "recipient"),
    "priority": ("priorité", "priority"),
    "reason": ("motif", "reason"),
}
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


class FileRefused(Exception):
    """The file as a whole cannot be imported (nothing was written)."""


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", fold(text).strip().lower().replace("’", "'"))


def _columns(headers: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    folded = {_key(h): i for i, h in enumerate(headers) if h}
    found: dict[str, int] = {}
    for name, aliases in wanted.items():
        for alias in aliases:
            if _key(alias) in folded:
                found[name] = folded[_key(alias)]
                break
    return found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class _Table:
    where: str  # "" for a CSV file, the sheet's name for a workbook
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells)


def decode(data: bytes, report: ImportReport) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as French spreadsheets save CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warn(line=None, field="encodage", message=_("Fichier non UTF-8 : lu en Windows-1252."))
        return data.decode("cp1252", errors="replace")


def _csv_table(data: bytes, report: ImportReport) -> _Table:
    text = decode(data, report)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, [c.strip() for c in cells]

    return _Table("", headers, rows())


def _xlsx_tables(data: bytes) -> list[_Table]:
    from openpyxl import load_workbook  # heavy: only when a workbook comes in

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, ValueError… on a bad file
        raise FileRefused(
            _("Classeur XLSX illisible (%(error)s).") % {"error": type(error).__name__}
        ) from None
    tables = []
    for sheet in book.worksheets:
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        headers = [_cell(h) for h in first or ()]
        width = len(headers)

        def rows(values: Any = values, width: int = width) -> Iterator[tuple[int, list[str]]]:
            for line, row in enumerate(values, start=2):
                yield line, [_cell(c) for c in row[:width]]

        tables.append(_Table(sheet.title, headers, rows()))
    return tables


@dataclass
class _Context:
    programme: Programme
    by: Any
    report: ImportReport
    now: Any = field(default_factory=timezone.now)
    emails: dict[str, tuple[str, int]] = field(default_factory=dict)  # email → (where, line)
    pairs: dict[frozenset[int], tuple[str, int]] = field(default_factory=dict)


def import_participants(*, programme: Programme, by: Any, filename: str, data: bytes) -> ImportReport:
    """Read an organiser's participants (and requests) file into `programme` (module docstring).

    The caller checked that `by` manages the programme. Raises nothing for bad input: whole-file
    problems are one rejection at line 1 (or none), with nothing written.
    """
    report = ImportReport()
    ImportRun.objects.mark_abandoned()
    run = ImportRun.objects.create(
        kind=RUN_KIND, files=[filename[:200]], options={"programme": programme.pk, "by": by.pk}
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
    run.finish(ImportRun.Status.DONE, counts=report.counts, rejections=report.rejections_as_dicts())
    return report


def _import(programme: Programme, by: Any, filename: str, data: bytes, report: ImportReport) -> None:
    if programme.tables < 1:
        raise FileRefused(_("Le programme n'a aucune table : indiquez le nombre de tables avant d'importer."))
    if programme.slots < 1:
        raise FileRefused(
            _("Le programme n'a aucun créneau : indiquez le nombre de créneaux avant d'importer.")
        )
    if not data.strip():
        raise FileRefused(_("Le fichier est vide."))
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        tables = _xlsx_tables(data)
    else:
        tables = [_csv_table(data, report)]
    participants: list[tuple[_Table, dict[str, int]]] = []
    requests: list[tuple[_Table, dict[str, int]]] = []
    for table in tables:
        asked = _columns(table.headers, REQUEST_COLUMNS)
        people = _columns(table.headers, PARTICIPANT_COLUMNS)
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


def _limited(table: _Table, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
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


class _Refused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _get(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _slots(text: str, last: int) -> list[int]:
    """Slot numbers from 1 to `last` ("1, 4", "1;4" or "2-5"), as 0-based indexes."""
    out: set[int] = set()
    for part in re.split(r"[\s,;/]+", text.strip()):
        if not part:
            continue
        bounds = part.split("-", 1)
        if not all(b.isdigit() for b in bounds):
            raise _Refused(
                "unavailable", _("« %(value)s » n'est pas un numéro de créneau.") % {"value": part}
            )
        low, high = int(bounds[0]), int(bounds[-1])
        for number in (low, high):
            if not 1 <= number <= last:
                raise _Refused(
                    "unavailable",
                    _("Créneau %(number)d hors du programme (1 à %(last)d).")
                    % {"number": number, "last": last},
                )
        out.update(range(min(low, high) - 1, max(low, high)))
    return sorted(out)


def _table(text: str, last: int) -> int:
    """A table number from 1 to `last`, as a 0-based index."""
    if not text.isdigit():
        raise _Refused("fixed_table", _("« %(value)s » n'est pas un numéro de table.") % {"value": text})
    if not 1 <= int(text) <= last:
        raise _Refused(
            "fixed_table",
            _("Table %(number)s hors du programme (1 à %(last)d).") % {"number": text, "last": last},
        )
    return int(text) - 1


def _account(email: str, field: str) -> Any:
    if not email:
        raise _Refused(field, _("Adresse e-mail manquante."))
    if "@" not in email:
        raise _Refused(field, _("« %(email)s » n'est pas une adresse e-mail.") % {"email": email})
    user = accounts_selectors.find_user_by_email(email)
    if user is None:
        raise _Refused(
            field,
            _(
                "Aucun compte Filière pour %(email)s : la personne crée son compte, puis relancez "
                "l'import (les lignes déjà importées ne changeront pas)."
            )
            % {"email": email},
        )
    if not user.is_active:
        raise _Refused(field, _("Le compte de %(email)s n'est pas actif.") % {"email": email})
    return user


def _organisation(text: str) -> Organisation:
    digits = re.sub(r"[\s.]", "", text)
    if digits.isdigit():
        if len(digits) == 14:
            establishment = Establishment.objects.select_related("organisation").filter(siret=digits).first()
            if establishment is None:
                raise _Refused(
                    "organisation", _("SIRET %(siret)s inconnu de l'annuaire.") % {"siret": digits}
                )
            return establishment.organisation
        if len(digits) == 9:
            found = Organisation.objects.filter(siren=digits).first()
            if found is None:
                raise _Refused(
                    "organisation", _("SIREN %(siren)s inconnu de l'annuaire.") % {"siren": digits}
                )
            return found
        raise _Refused(
            "organisation", _("Un SIRET a 14 chiffres, un SIREN 9 : « %(value)s ».") % {"value": text}
        )
    matches = list(Organisation.objects.filter(name__iexact=text)[:2])
    if not matches:
        raise _Refused(
            "organisation", _("Aucune organisation de l'annuaire ne s'appelle « %(name)s ».") % {"name": text}
        )
    if len(matches) > 1:
        raise _Refused(
            "organisation",
            _("Plusieurs organisations s'appellent « %(name)s » : donnez son SIRET.") % {"name": text},
        )
    return matches[0]


def _reject(context: _Context, where: str, line: int, refused: _Refused, cells: list[str]) -> None:
    context.report.reject(
        line=line,
        field=LABELS.get(refused.field, refused.field),
        message=refused.message,
        where=where,
        excerpt=" ; ".join(cells),
    )


def _duplicate(context: _Context, seen: tuple[str, int], where: str, field_name: str) -> _Refused:
    previous_where, previous = seen
    if previous_where and previous_where != where:
        return _Refused(
            field_name,
            _("Doublon de la ligne %(line)d de la feuille « %(sheet)s ».")
            % {"line": previous, "sheet": previous_where},
        )
    return _Refused(field_name, _("Doublon de la ligne %(line)d.") % {"line": previous})


def _participant_line(
    context: _Context, where: str, line: int, cells: list[str], columns: dict[str, int]
) -> None:
    programme, report = context.programme, context.report
    try:
        email = _get(cells, columns, "email").lower()
        if email in context.emails:
            raise _duplicate(context, context.emails[email], where, "email")
        user = _account(email, "email")
        existing = Participant.objects.filter(programme=programme, user=user).first()
        values: dict[str, Any] = {}
        role_text = _key(_get(cells, columns, "role"))
        if role_text:
            if role_text not in {_key(k) for k in ROLES}:
                raise _Refused(
                    "role",
                    _("Rôle « %(role)s » inconnu : acheteur, fournisseur ou les deux.") % {"role": role_text},
                )
            values["role"] = next(v for k, v in ROLES.items() if _key(k) == role_text)
        elif existing is None:
            raise _Refused("role", _("Rôle manquant : acheteur, fournisseur ou les deux."))
        organisation_text = _get(cells, columns, "siret") or _get(cells, columns, "organisation")
        if organisation_text:
            values["organisation"] = _organisation(organisation_text)
        slots_text = _get(cells, columns, "unavailable")
        if slots_text:
            values["unavailable_slots"] = _slots(slots_text, programme.slots)
        table_text = _get(cells, columns, "fixed_table")
        if table_text:
            values["fixed_table"] = _table(table_text, programme.tables)
        presentation = _get(cells, columns, "presentation")[:2000]
        if presentation and (existing is None or not existing.presentation):
            values["presentation"] = presentation
    except _Refused as refused:
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


def _counted(report: ImportReport, table: str, what: str) -> None:
    """Count a written line in the totals and in its table's detail (participants, requests)."""
    report.count(what)
    report.count(f"{table}_{what}")


def _participant(context: _Context, email: str, field_name: str) -> Participant:
    user = _account(email.lower(), field_name)
    found = Participant.objects.filter(
        programme=context.programme, user=user, cancelled_at__isnull=True
    ).first()
    if found is None:
        raise _Refused(field_name, _("%(email)s ne participe pas à ce programme.") % {"email": email})
    return found


def _request_line(
    context: _Context, where: str, line: int, cells: list[str], columns: dict[str, int]
) -> None:
    programme, report = context.programme, context.report
    try:
        sender = _participant(context, _get(cells, columns, "sender"), "sender")
        recipient = _participant(context, _get(cells, columns, "recipient"), "recipient")
        if sender.pk == recipient.pk:
            raise _Refused("recipient", _("Une demande de rendez-vous avec soi-même."))
        pair = frozenset((sender.pk, recipient.pk))
        if pair in context.pairs:
            raise _duplicate(context, context.pairs[pair], where, "recipient")
        priority_text = _get(cells, columns, "priority") or "0"
        if not re.fullmatch(r"-?\d{1,4}", priority_text):
            raise _Refused(
                "priority", _("Priorité « %(value)s » : un nombre entier.") % {"value": priority_text}
            )
        priority = int(priority_text)
        existing = MeetingRequest.objects.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
        ).first()
        if existing is not None and existing.status != RequestStatus.ACCEPTED:
            raise _Refused(
                "recipient",
                _("Une demande existe déjà entre eux (%(status)s) : elle n'est pas modifiée.")
                % {"status": existing.get_status_display().lower()},
            )
    except _Refused as refused:
        _reject(context, where, line, refused, cells)
        return
    context.pairs[pair] = (where, line)
    with transaction.atomic():
        if existing is None:
            MeetingRequest.objects.create(
                programme=programme,
                sender=sender,
                recipient=recipient,
                reason=_get(cells, columns, "reason")[:1000] or _("Ajouté par l'organisateur"),
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


def runs_of(programme: Programme) -> list[ImportRun]:
    """The programme's last imports, newest first."""
    return list(ImportRun.objects.filter(kind=RUN_KIND, options__programme=programme.pk)[:5])
