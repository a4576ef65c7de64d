"""Streaming reader of training-offer CSV files (columns in docs/training.md)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from filiere.training.models import (
    Funding,
    SessionStatus,
)

from .records import (
    CSV_COLUMNS,
    CSV_NAMES,
    CSV_REQUIRED,
    CSV_STATUSES,
    FALSE,
    MAX_TEXT,
    TRUE,
    CourseRecord,
    Rejection,
    SessionRecord,
    TrainingFormatError,
    check_course,
    check_session,
    normalise_certification,
    parse_csv_date,
    parse_hours,
    parse_places,
    rejection,
)

# --- CSV reader -----------------------------------------------------------------------------


def _bool(value: str, where: str, name: str, errors: list[Rejection], key: str) -> bool:
    folded = value.strip().lower()
    if folded in TRUE:
        return True
    if folded not in FALSE:
        errors.append(
            rejection(where, name, _("oui ou non attendu, lu « %(value)s »") % {"value": value[:20]}, key)
        )
    return False


def read_csv(stream: IO[bytes]) -> Iterator[CourseRecord]:
    """Stream the courses of a CSV file (UTF-8, `,` or `;`, one session per row; rows of one
    course share `course_id` and follow each other). Raises `TrainingFormatError` on a header
    without the required columns or on a file that is not UTF-8 text."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise TrainingFormatError(_("le fichier n'est pas du texte UTF-8")) from exc
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise TrainingFormatError(
            _("colonnes manquantes dans l'en-tête : %(columns)s") % {"columns": ", ".join(missing)}
        )
    try:
        yield from _csv_records(text, header, delimiter)
    finally:
        # The caller owns the binary stream: detach so the wrapper never closes it twice.
        text.detach()


def _csv_records(text: io.TextIOWrapper, header: list[str], delimiter: str) -> Iterator[CourseRecord]:
    reader = csv.reader(text, delimiter=delimiter)
    current: CourseRecord | None = None
    line_no = 1
    try:
        for row in reader:
            line_no += 1
            if not any(cell.strip() for cell in row):
                continue
            values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
            where = _("ligne %(line)d") % {"line": line_no}
            key = values.get("course_id", "")
            if current is None or key != current.key:
                if current is not None:
                    check_course(current)
                    yield current
                current = _csv_course(values, where)
            current.sessions.append(_csv_session(values, where))
    except UnicodeDecodeError as exc:
        raise TrainingFormatError(
            _("le fichier n'est pas du texte UTF-8 (vers la ligne %(line)d)") % {"line": line_no + 1}
        ) from exc
    except csv.Error as exc:
        raise TrainingFormatError(
            _("CSV illisible ligne %(line)d : %(error)s") % {"line": line_no, "error": exc}
        ) from exc
    if current is not None:
        check_course(current)
        yield current


def _split_codes(value: str) -> list[str]:
    return [c.strip() for c in re.split(r"[|,;\s]+", value) if c.strip()]


def _csv_course(values: dict[str, str], where: str) -> CourseRecord:
    key = values.get("course_id", "")
    record = CourseRecord(
        key=key, where=where, siret=values.get("siret", "").replace(" ", ""), names=dict(CSV_NAMES)
    )
    if not key:
        record.errors.append(rejection(where, "course_id", _("identifiant de formation manquant")))
    record.title = values.get("title", "")[:255]
    record.objectives = values.get("objectives", "")[:MAX_TEXT]
    record.description = values.get("content", "")[:MAX_TEXT]
    try:
        record.duration_hours = parse_hours(values.get("duration_hours", ""))
    except ValueError as exc:
        record.errors.append(rejection(where, "duration_hours", str(exc), key))
    try:
        record.certification_code = normalise_certification(values.get("certification", ""))
    except ValueError as exc:
        record.errors.append(rejection(where, "certification", str(exc), key))
    record.certification_label = values.get("certification_label", "")[:255]
    record.formacodes = _split_codes(values.get("formacode", ""))
    record.rome_codes = [c.upper() for c in _split_codes(values.get("rome", ""))]
    for code in _split_codes(values.get("funding", "")):
        code = code.lower()
        if code not in Funding.values:
            record.errors.append(
                rejection(
                    where,
                    "funding",
                    _("financement inconnu « %(value)s » (valeurs : %(allowed)s)")
                    % {"value": code[:20], "allowed": ", ".join(Funding.values)},
                    key,
                )
            )
        elif code not in record.funding:
            record.funding.append(code)
    record.raw = {
        k: values.get(k, "")
        for k in CSV_COLUMNS
        if not k.startswith("session")
        and k not in ("start", "end", "insee", "postcode", "city", "distance", "places", "status")
    }
    return record


def _csv_session(values: dict[str, str], where: str) -> SessionRecord:
    key = values.get("session_id", "")
    record = SessionRecord(key=key, where=where)
    if not key:
        record.errors.append(rejection(where, "session_id", _("identifiant de session manquant")))
    for name, attr in (("start", "start"), ("end", "end")):
        try:
            setattr(record, attr, parse_csv_date(values.get(name, "")))
        except ValueError as exc:
            record.errors.append(rejection(where, name, str(exc), key))
    record.insee = values.get("insee", "")
    record.postcode = values.get("postcode", "")
    record.city = values.get("city", "")[:100]
    record.distance = _bool(values.get("distance", ""), where, "distance", record.errors, key)
    try:
        record.places = parse_places(values.get("places", ""))
    except ValueError as exc:
        record.errors.append(rejection(where, "places", str(exc), key))
    status = values.get("status", "").lower()
    if status not in CSV_STATUSES:
        record.errors.append(
            rejection(
                where,
                "status",
                _("état inconnu « %(value)s » (open, full, cancelled)") % {"value": status[:20]},
                key,
            )
        )
    record.status = CSV_STATUSES.get(status, SessionStatus.OPEN)
    record.raw = {
        k: values.get(k, "")
        for k in ("session_id", "start", "end", "insee", "postcode", "city", "distance", "places", "status")
    }
    check_session(record)
    return record
