"""Import of the training offer: LHÉO 2.x XML (the Carif-Oref exchange format) and CSV.

Both readers turn their input into `CourseRecord`s (one LHÉO `<formation>`, or the CSV rows that
share a course id) with their `SessionRecord`s, streaming: the XML is read with `iterparse` and
each `<formation>` element is cleared once handled, the CSV row by row. Each course is written in
its own transaction, so a bad record never leaves half a course and a rerun after an interruption
finishes the job. Records are keyed on the source's own identifiers (LHÉO `numero` of the
formation and of the session, CSV `course_id` / `session_id`): a rerun updates what changed,
counts the rest unchanged, and never overwrites a field a person edited (`edited_fields`).

What is refused, and why, is reported per record (line or element, field, reason) in the
`core.ImportRun` of the import. A course-level error (no title, unknown training body, malformed
Formacode) refuses the course and its sessions; a session-level error (impossible dates, unknown
commune, negative places) refuses that session only.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.models import ImportRun
from filiere.organisations.models import Establishment, Organisation

from .models import (
    Course,
    CourseSkill,
    CourseSource,
    Funding,
    Session,
    SessionStatus,
    SkillOrigin,
    TeachingMode,
)

FORMATS = ("lheo", "csv")
RUN_KIND = "training"
FORMACODE = re.compile(r"^\d{5}$")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
SIRET = re.compile(r"^\d{14}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
CERTIFICATION = re.compile(r"^(RNCP|RS)\s?(\d{1,6})$", re.IGNORECASE)
MAX_TEXT = 20_000

# LHÉO dict-financeurs (2.2/2.3) → our funding kinds. LHÉO has no CPF code: CPF comes from the
# CSV, or from the non-standard `<extra info="eligibilite-cpf">1</extra>` some Carif-Oref add.
LHEO_FUNDERS: dict[str, str] = {
    "0": Funding.OTHER,
    "2": Funding.REGION,
    "3": Funding.EUROPE,
    "4": Funding.FRANCE_TRAVAIL,
    "5": Funding.EMPLOYER,
    "7": Funding.AGEFIPH,
    "8": Funding.OTHER,
    "9": Funding.OTHER,
    "10": Funding.PERSONAL,
    "11": Funding.STATE,
    "12": Funding.STATE,
    "13": Funding.STATE,
    "14": Funding.EUROPE,
    "15": Funding.OTHER,
    "16": Funding.OPCO,
    "17": Funding.OTHER,
    "18": Funding.OTHER,
    "19": Funding.OTHER,
    "20": Funding.STATE,
}
# dict-etat-recrutement: 1 ouvert, 2 fermé, 3 suspendu.
LHEO_RECRUITMENT = {"1": SessionStatus.OPEN, "2": SessionStatus.FULL, "3": SessionStatus.FULL}

CSV_COLUMNS = (
    "course_id",
    "siret",
    "title",
    "objectives",
    "content",
    "duration_hours",
    "certification",
    "certification_label",
    "formacode",
    "rome",
    "funding",
    "session_id",
    "start",
    "end",
    "insee",
    "postcode",
    "city",
    "distance",
    "places",
    "status",
)
CSV_REQUIRED = ("course_id", "siret", "title", "session_id", "start", "end")
CSV_STATUSES = {
    "": SessionStatus.OPEN,
    "open": SessionStatus.OPEN,
    "ouverte": SessionStatus.OPEN,
    "full": SessionStatus.FULL,
    "complete": SessionStatus.FULL,
    "complète": SessionStatus.FULL,
    "cancelled": SessionStatus.CANCELLED,
    "annulee": SessionStatus.CANCELLED,
    "annulée": SessionStatus.CANCELLED,
}
TRUE = {"1", "oui", "true", "vrai", "yes", "o", "x"}
FALSE = {"", "0", "non", "false", "faux", "no", "n"}


class TrainingFormatError(ValueError):
    """The file cannot be read at all (not XML, not LHÉO, wrong CSV header, DTD/entities)."""


@dataclass
class Rejection:
    where: str
    field: str
    reason: str
    key: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class SessionRecord:
    key: str
    where: str
    action_key: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    insee: str = ""
    postcode: str = ""
    city: str = ""
    distance: bool = False
    places: int | None = None
    status: str = SessionStatus.OPEN
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[Rejection] = field(default_factory=list)


@dataclass
class CourseRecord:
    key: str
    where: str
    siret: str = ""
    title: str = ""
    objectives: str = ""
    expected_results: str = ""
    description: str = ""
    duration_hours: int | None = None
    certification_code: str = ""
    certification_label: str = ""
    formacodes: list[str] = field(default_factory=list)
    rome_codes: list[str] = field(default_factory=list)
    funding: list[str] = field(default_factory=list)
    teaching_mode: str = TeachingMode.ON_SITE
    sessions: list[SessionRecord] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[Rejection] = field(default_factory=list)
    # How the source names the checked fields (LHÉO elements or CSV columns), for the report.
    names: dict[str, str] = field(default_factory=lambda: dict(LHEO_NAMES))


LHEO_NAMES = {
    "title": "intitule-formation",
    "siret": "SIRET",
    "formacode": "code-FORMACODE",
    "rome": "code-ROME",
}
CSV_NAMES = {"title": "title", "siret": "siret", "formacode": "formacode", "rome": "rome"}


@dataclass
class ImportResult:
    run: ImportRun
    counts: dict[str, int]
    rejections: list[dict[str, str]]

    @property
    def run_id(self) -> int:
        return self.run.pk


# --- Field parsing --------------------------------------------------------------------------


def _lheo_date(value: str) -> dt.date:
    """AAAAMMJJ; AAAAMM00 is a month (its first day), AAAA0000 a year. Raises ValueError."""
    value = value.strip()
    if not re.fullmatch(r"\d{8}", value):
        raise ValueError(_("date au format AAAAMMJJ attendue, lu « %(value)s »") % {"value": value[:20]})
    if value in ("00000000", "99999999"):
        raise ValueError(_("date inconnue (%(value)s)") % {"value": value})
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(_("date impossible : %(value)s") % {"value": value}) from None


def _csv_date(value: str) -> dt.date:
    """ISO (2026-09-14) or French (14/09/2026) dates. Raises ValueError with a French message."""
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", value):
        raise ValueError(_("date impossible : %(value)s") % {"value": value})
    raise ValueError(
        _("date au format AAAA-MM-JJ ou JJ/MM/AAAA attendue, lu « %(value)s »") % {"value": value[:20]}
    )


def _places(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(_("nombre entier attendu, lu « %(value)s »") % {"value": value[:20]}) from None
    if number < 0:
        raise ValueError(_("nombre de places négatif (%(value)s)") % {"value": number})
    return number


def _hours(value: str) -> int | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("nombre d'heures attendu, lu « %(value)s »") % {"value": value[:20]}) from None
    if number < 0 or number > 20_000:
        raise ValueError(_("durée hors limites (%(value)s h)") % {"value": value})
    return round(number)


def normalise_certification(value: str) -> str:
    """ "35584" or "rncp 35584" → "RNCP35584"; "RS5487" stays. Raises ValueError otherwise."""
    value = value.strip()
    if not value:
        return ""
    if value.isdigit():
        value = "RNCP" + value
    match = CERTIFICATION.match(value)
    if not match:
        raise ValueError(
            _("code RNCP ou RS attendu (ex. RNCP35584), lu « %(value)s »") % {"value": value[:30]}
        )
    return f"{match.group(1).upper()}{match.group(2)}"


def _check_session(record: SessionRecord) -> None:
    if record.start and record.end and record.end < record.start:
        record.errors.append(
            Rejection(
                record.where,
                "fin",
                _("la fin (%(end)s) précède le début (%(start)s)")
                % {
                    "end": record.end.isoformat(),
                    "start": record.start.isoformat(),
                },
                record.key,
            )
        )


def _check_course(record: CourseRecord) -> None:
    if not record.title.strip():
        record.errors.append(
            Rejection(record.where, record.names["title"], _("intitulé manquant"), record.key)
        )
    if not SIRET.match(record.siret):
        record.errors.append(
            Rejection(
                record.where,
                record.names["siret"],
                _("SIRET de 14 chiffres attendu, lu « %(value)s »") % {"value": record.siret[:20]},
                record.key,
            )
        )
    for code in record.formacodes:
        if not FORMACODE.match(code):
            record.errors.append(
                Rejection(
                    record.where,
                    record.names["formacode"],
                    _("code Formacode de 5 chiffres attendu, lu « %(value)s »") % {"value": code[:20]},
                    record.key,
                )
            )
    for code in record.rome_codes:
        if not ROME_CODE.match(code):
            record.errors.append(
                Rejection(
                    record.where,
                    record.names["rome"],
                    _("code ROME attendu (ex. M1805), lu « %(value)s »") % {"value": code[:20]},
                    record.key,
                )
            )


# --- LHÉO reader ----------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path) if path else element
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())[:MAX_TEXT]


def _long_text(element: Element | None, name: str) -> str:
    found = _child(element, name)
    if found is None:
        return ""
    return "".join(found.itertext()).strip()[:MAX_TEXT]


def _extras(element: Element) -> dict[str, str]:
    values = {}
    for extras in _children(element, "extras"):
        for extra in _children(extras, "extra"):
            values[extra.get("info", "")] = _text(extra)
    return values


def _lheo_session(
    session: Element, action: Element, where: str, action_key: str, mode: str, places: str
) -> SessionRecord:
    key = session.get("numero", "").strip()
    record = SessionRecord(
        key=key, where=where, action_key=action_key, distance=mode == TeachingMode.DISTANCE
    )
    if not key:
        record.errors.append(Rejection(where, "session@numero", _("numéro de session manquant")))
    for name in ("debut", "fin"):
        value = _text(session, "periode", name)
        try:
            parsed = _lheo_date(value)
        except ValueError as exc:
            record.errors.append(Rejection(where, f"periode/{name}", str(exc), key))
            continue
        setattr(record, "start" if name == "debut" else "end", parsed)
    address = _child(action, "lieu-de-formation", "coordonnees", "adresse")
    if address is None:
        address = _child(session, "adresse-inscription", "adresse")
    record.insee = _text(address, "code-INSEE-commune")
    record.postcode = _text(address, "codepostal")
    record.city = _text(address, "ville")
    try:
        record.places = _places(places)
    except ValueError as exc:
        record.errors.append(Rejection(where, "nb-places-financees", str(exc), key))
    state = _text(session, "etat-recrutement")
    record.status = LHEO_RECRUITMENT.get(state, SessionStatus.OPEN)
    record.raw = {
        "action": action_key,
        "debut": _text(session, "periode", "debut"),
        "fin": _text(session, "periode", "fin"),
        "insee": record.insee,
        "codepostal": record.postcode,
        "ville": record.city,
        "places": places,
        "etat": state,
        "modalites": mode,
    }
    _check_session(record)
    return record


def _lheo_course(formation: Element, where: str) -> CourseRecord:
    key = formation.get("numero", "").strip()
    record = CourseRecord(key=key, where=where)
    if not key:
        record.errors.append(Rejection(where, "formation@numero", _("numéro de formation manquant")))
    domain = _child(formation, "domaine-formation")
    record.formacodes = [_text(c) for c in _children(domain, "code-FORMACODE")] if domain is not None else []
    record.rome_codes = (
        [_text(c).upper() for c in _children(domain, "code-ROME")] if domain is not None else []
    )
    record.title = _text(formation, "intitule-formation")[:255]
    record.objectives = _long_text(formation, "objectif-formation")
    record.expected_results = _long_text(formation, "resultats-attendus")
    record.description = _long_text(formation, "contenu-formation")
    for certification in _children(formation, "certification"):
        code = _text(certification, "code-RNCP")
        if code and not record.certification_code:
            try:
                record.certification_code = normalise_certification(code)
            except ValueError as exc:
                record.errors.append(Rejection(where, "certification/code-RNCP", str(exc), key))
    record.siret = _text(formation, "organisme-formation-responsable", "SIRET-organisme-formation", "SIRET")
    funding: list[str] = []
    modes: list[str] = []
    hours: list[int] = []
    extras = _extras(formation)
    if extras.get("eligibilite-cpf") in TRUE:
        funding.append(Funding.CPF)
    for a_index, action in enumerate(_children(formation, "action"), start=1):
        action_key = action.get("numero", "").strip()
        mode = _text(action, "modalites-enseignement") or TeachingMode.ON_SITE
        if mode not in TeachingMode.values:
            record.errors.append(
                Rejection(
                    f"{where}/action[{a_index}]",
                    "modalites-enseignement",
                    _("valeur inconnue « %(value)s » (0, 1 ou 2 attendu)") % {"value": mode[:10]},
                    key,
                )
            )
            mode = TeachingMode.ON_SITE
        modes.append(mode)
        try:
            if (value := _hours(_text(action, "nombre-heures-total"))) is not None:
                hours.append(value)
        except ValueError as exc:
            record.errors.append(
                Rejection(f"{where}/action[{a_index}]", "nombre-heures-total", str(exc), key)
            )
        places_total: int | None = None
        places_text = ""
        bad_places = ""
        for funder in _children(action, "organisme-financeur"):
            code = _text(funder, "code-financeur")
            if code in LHEO_FUNDERS and LHEO_FUNDERS[code] not in funding:
                funding.append(LHEO_FUNDERS[code])
            count = _text(funder, "nb-places-financees")
            if count:
                try:
                    number = _places(count)
                except ValueError:
                    bad_places = count
                    continue
                places_total = (places_total or 0) + (number or 0)
        places_text = bad_places or ("" if places_total is None else str(places_total))
        if _extras(action).get("eligibilite-cpf") in TRUE and Funding.CPF not in funding:
            funding.append(Funding.CPF)
        for s_index, session in enumerate(_children(action, "session"), start=1):
            record.sessions.append(
                _lheo_session(
                    session,
                    action,
                    f"{where}/action[{a_index}]/session[{s_index}]",
                    action_key,
                    mode,
                    places_text,
                )
            )
    record.funding = funding
    record.duration_hours = max(hours) if hours else None
    if modes and all(m == TeachingMode.DISTANCE for m in modes):
        record.teaching_mode = TeachingMode.DISTANCE
    elif any(m != TeachingMode.ON_SITE for m in modes):
        record.teaching_mode = TeachingMode.BLENDED
    record.raw = {
        "numero": key,
        "intitule": record.title,
        "objectif": record.objectives,
        "resultats": record.expected_results,
        "contenu": record.description,
        "formacode": record.formacodes,
        "rome": record.rome_codes,
        "certification": record.certification_code,
        "siret": record.siret,
        "financements": funding,
        "heures": record.duration_hours,
        "modalites": modes,
    }
    _check_course(record)
    return record


def read_lheo(stream: IO[bytes]) -> Iterator[CourseRecord]:
    """Stream the `<formation>`s of an LHÉO file (any 2.x namespace, or none).

    Raises `TrainingFormatError` on a DTD or entity declaration, on XML that is not well formed
    (after yielding the formations read before the error) and on a root that is not `<lheo>`.
    """
    index = 0
    depth = 0
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                if depth == 0 and name != "lheo":
                    raise TrainingFormatError(
                        _("ce fichier n'est pas au format LHÉO (élément racine « %(name)s »)")
                        % {"name": name[:40]}
                    )
                depth += 1
                continue
            depth -= 1
            if name == "formation" and depth == 2:
                index += 1
                numero = element.get("numero", "")
                where = f"formation[{index}]" + (f" numero={numero}" if numero else "")
                yield _lheo_course(element, where)
                element.clear()
    except DefusedXmlException as exc:
        raise TrainingFormatError(
            _("déclarations DTD ou entités refusées dans un fichier importé (%(error)s)")
            % {"error": type(exc).__name__}
        ) from exc
    except ParseError as exc:
        raise TrainingFormatError(_("XML mal formé : %(error)s") % {"error": exc}) from exc


# --- CSV reader -----------------------------------------------------------------------------


def _bool(value: str, where: str, name: str, errors: list[Rejection], key: str) -> bool:
    folded = value.strip().lower()
    if folded in TRUE:
        return True
    if folded not in FALSE:
        errors.append(
            Rejection(where, name, _("oui ou non attendu, lu « %(value)s »") % {"value": value[:20]}, key)
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
                    _check_course(current)
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
        _check_course(current)
        yield current


def _split_codes(value: str) -> list[str]:
    return [c.strip() for c in re.split(r"[|,;\s]+", value) if c.strip()]


def _csv_course(values: dict[str, str], where: str) -> CourseRecord:
    key = values.get("course_id", "")
    record = CourseRecord(
        key=key, where=where, siret=values.get("siret", "").replace(" ", ""), names=dict(CSV_NAMES)
    )
    if not key:
        record.errors.append(Rejection(where, "course_id", _("identifiant de formation manquant")))
    record.title = values.get("title", "")[:255]
    record.objectives = values.get("objectives", "")[:MAX_TEXT]
    record.description = values.get("content", "")[:MAX_TEXT]
    try:
        record.duration_hours = _hours(values.get("duration_hours", ""))
    except ValueError as exc:
        record.errors.append(Rejection(where, "duration_hours", str(exc), key))
    try:
        record.certification_code = normalise_certification(values.get("certification", ""))
    except ValueError as exc:
        record.errors.append(Rejection(where, "certification", str(exc), key))
    record.certification_label = values.get("certification_label", "")[:255]
    record.formacodes = _split_codes(values.get("formacode", ""))
    record.rome_codes = [c.upper() for c in _split_codes(values.get("rome", ""))]
    for code in _split_codes(values.get("funding", "")):
        code = code.lower()
        if code not in Funding.values:
            record.errors.append(
                Rejection(
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
        record.errors.append(Rejection(where, "session_id", _("identifiant de session manquant")))
    for name, attr in (("start", "start"), ("end", "end")):
        try:
            setattr(record, attr, _csv_date(values.get(name, "")))
        except ValueError as exc:
            record.errors.append(Rejection(where, name, str(exc), key))
    record.insee = values.get("insee", "")
    record.postcode = values.get("postcode", "")
    record.city = values.get("city", "")[:100]
    record.distance = _bool(values.get("distance", ""), where, "distance", record.errors, key)
    try:
        record.places = _places(values.get("places", ""))
    except ValueError as exc:
        record.errors.append(Rejection(where, "places", str(exc), key))
    status = values.get("status", "").lower()
    if status not in CSV_STATUSES:
        record.errors.append(
            Rejection(
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
    _check_session(record)
    return record


# --- Writing --------------------------------------------------------------------------------


class _Places:
    """Resolves training bodies (SIRET) and communes (INSEE code) with a per-import cache."""

    def __init__(self) -> None:
        self.organisations: dict[str, Organisation | None] = {}
        self.communes: dict[str, Any] = {}
        self.head_regions: dict[int, str] = {}

    def organisation(self, siret: str) -> Organisation | None:
        if siret not in self.organisations:
            establishment = Establishment.objects.select_related("organisation").filter(siret=siret).first()
            organisation = establishment.organisation if establishment else None
            if organisation is None:
                organisation = Organisation.objects.filter(siren=siret[:9]).first()
            self.organisations[siret] = organisation
        return self.organisations[siret]

    def commune(self, code: str) -> Any:
        from filiere.territories.models import Commune

        if code not in self.communes:
            self.communes[code] = Commune.objects.filter(pk=code).first()
        return self.communes[code]

    def department_of_postcode(self, postcode: str) -> tuple[str, str]:
        from filiere.territories.models import Department

        if not re.fullmatch(r"\d{5}", postcode):
            return "", ""
        code = postcode[:3] if postcode.startswith("97") else postcode[:2]
        if code == "20":
            code = "2A" if postcode < "20200" else "2B"
        key = "dep:" + code
        if key not in self.communes:
            self.communes[key] = Department.objects.filter(pk=code).values_list("code", "region_id").first()
        found = self.communes[key]
        return (found[0], found[1]) if found else ("", "")

    def head_region(self, organisation: Organisation) -> str:
        if organisation.pk not in self.head_regions:
            self.head_regions[organisation.pk] = (
                organisation.establishments.exclude(region_code="")
                .order_by("-is_head_office", "pk")
                .values_list("region_code", flat=True)
                .first()
                or ""
            )
        return self.head_regions[organisation.pk]


def _hash(raw: Any) -> str:
    return hashlib.md5(
        json.dumps(raw, sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()


def _skill_links(record: CourseRecord) -> dict[int, tuple[str, float]]:
    """Skills of a course: those the matching engine finds in its text, and the core skills of
    the ROME métiers the source names."""
    from filiere.matching.services import extract_skills
    from filiere.matching.text import UserTextError
    from filiere.taxonomy.models import Skill

    links: dict[int, tuple[str, float]] = {}
    text = "\n".join(
        t for t in (record.title, record.objectives, record.expected_results, record.description) if t
    )
    try:
        for match in extract_skills(text, limit=25):
            links[match.skill_id] = (SkillOrigin.EXTRACTED, round(match.score, 4))
    except UserTextError:
        pass
    if record.rome_codes:
        imported = Skill.objects.filter(
            rome_competence__metier_links__metier_id__in=record.rome_codes,
            rome_competence__metier_links__is_core=True,
        ).values_list("pk", flat=True)
        for skill_id in imported:
            links.setdefault(skill_id, (SkillOrigin.IMPORTED, 1.0))
    return links


COURSE_FIELDS = (
    "title",
    "objectives",
    "expected_results",
    "description",
    "duration_hours",
    "certification_code",
    "certification_label",
    "formacode_codes",
    "rome_codes",
    "funding",
    "teaching_mode",
)
SESSION_FIELDS = (
    "start_date",
    "end_date",
    "distance_learning",
    "commune_id",
    "city",
    "postcode",
    "department_code",
    "region_code",
    "places",
    "status",
    "action_id",
)


class _Writer:
    def __init__(
        self, source: str, places: _Places, counts: dict[str, int], rejections: list[dict[str, str]]
    ) -> None:
        self.source = source
        self.places = places
        self.counts = counts
        self.rejections = rejections

    def reject(self, rejection: Rejection) -> None:
        if len(self.rejections) < ImportRun.MAX_STORED_REJECTIONS:
            self.rejections.append(rejection.as_dict())

    def write(self, record: CourseRecord) -> None:
        organisation = self.places.organisation(record.siret) if SIRET.match(record.siret) else None
        if SIRET.match(record.siret) and organisation is None:
            record.errors.append(
                Rejection(
                    record.where,
                    record.names["siret"],
                    _("organisme de formation introuvable dans l'annuaire (SIRET %(siret)s)")
                    % {"siret": record.siret},
                    record.key,
                )
            )
        if record.errors:
            self.counts["rejected"] += 1
            self.counts["sessions_rejected"] += len(record.sessions)
            for error in record.errors:
                self.reject(error)
            return
        assert organisation is not None
        sessions = [self._resolve(s, organisation) for s in record.sessions]
        for session in record.sessions:
            for error in session.errors:
                self.reject(error)
        valid = [s for s in sessions if s is not None]
        self.counts["sessions_rejected"] += len(sessions) - len(valid)
        external_id = f"{self.source}:{record.key}"
        digest = _hash(record.raw)
        with transaction.atomic():
            course = Course.objects.select_for_update().filter(external_id=external_id).first()
            values = {
                "title": record.title,
                "objectives": record.objectives,
                "expected_results": record.expected_results,
                "description": record.description,
                "duration_hours": record.duration_hours,
                "certification_code": record.certification_code,
                "certification_label": record.certification_label,
                "formacode_codes": record.formacodes,
                "rome_codes": record.rome_codes,
                "funding": record.funding,
                "teaching_mode": record.teaching_mode,
            }
            created = course is None
            if course is None:
                course = Course.objects.create(
                    organisation=organisation,
                    external_id=external_id,
                    source=self.source,
                    raw=record.raw,
                    source_hash=digest,
                    **values,
                )
                self._set_skills(course, record)
                course_changed = True
            elif course.source_hash == digest and course.organisation_id == organisation.pk:
                course_changed = False
            else:
                for name in COURSE_FIELDS:
                    if name not in (course.edited_fields or []):
                        setattr(course, name, values[name])
                course.organisation = organisation
                course.raw = record.raw
                course.source_hash = digest
                course.save()
                self._set_skills(course, record)
                course_changed = True
            sessions_changed = self._write_sessions(course, record.key, valid)
        if created:
            self.counts["created"] += 1
        elif course_changed or sessions_changed:
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1

    def _set_skills(self, course: Course, record: CourseRecord) -> None:
        links = _skill_links(record)
        course.skill_links.exclude(origin=SkillOrigin.MANUAL).exclude(skill_id__in=links).delete()
        existing = set(course.skill_links.values_list("skill_id", flat=True))
        CourseSkill.objects.bulk_create(
            [
                CourseSkill(course=course, skill_id=s, origin=o, score=score)
                for s, (o, score) in links.items()
                if s not in existing
            ]
        )

    def _resolve(self, record: SessionRecord, organisation: Organisation) -> dict[str, Any] | None:
        if record.errors:
            return None
        commune = None
        department = region = ""
        if record.insee:
            if not INSEE.match(record.insee) or (commune := self.places.commune(record.insee)) is None:
                record.errors.append(
                    Rejection(
                        record.where,
                        "code-INSEE-commune",
                        _("commune inconnue (code INSEE « %(code)s »)") % {"code": record.insee[:10]},
                        record.key,
                    )
                )
                return None
            department, region = commune.department_id, commune.region_id
        elif record.postcode:
            department, region = self.places.department_of_postcode(record.postcode)
            if not department and not record.distance:
                record.errors.append(
                    Rejection(
                        record.where,
                        "codepostal",
                        _("code postal inconnu « %(code)s »") % {"code": record.postcode[:10]},
                        record.key,
                    )
                )
                return None
        elif not record.distance:
            record.errors.append(
                Rejection(
                    record.where,
                    "lieu-de-formation",
                    _("lieu de formation manquant (commune ou code postal) pour une session en présentiel"),
                    record.key,
                )
            )
            return None
        if record.distance:
            region = region or self.places.head_region(organisation)
            department = department if department else ""
        return {
            "key": record.key,
            "raw": record.raw,
            "start_date": record.start,
            "end_date": record.end,
            "distance_learning": record.distance,
            "commune_id": commune.pk if commune else None,
            "city": record.city or (commune.name if commune else ""),
            "postcode": record.postcode,
            "department_code": department,
            "region_code": region,
            "places": record.places,
            "status": record.status,
            "action_id": record.action_key,
        }

    def _write_sessions(self, course: Course, course_key: str, sessions: list[dict[str, Any]]) -> bool:
        changed = False
        keys = [f"{self.source}:{course_key}:{s['key']}" for s in sessions]
        known = {s.external_id: s for s in Session.objects.filter(external_id__in=keys)}
        for key, data in zip(keys, sessions, strict=True):
            digest = _hash(data["raw"])
            values = {name: data[name] for name in SESSION_FIELDS}
            session = known.get(key)
            if session is None:
                Session.objects.create(
                    course=course, external_id=key, raw=data["raw"], source_hash=digest, **values
                )
                self.counts["sessions_created"] += 1
                changed = True
            elif session.source_hash == digest and session.course_id == course.pk:
                self.counts["sessions_unchanged"] += 1
            else:
                for name, value in values.items():
                    if name not in (session.edited_fields or []):
                        setattr(session, name, value)
                if session.end_date < session.start_date:
                    session.end_date = session.start_date
                session.course = course
                session.raw = data["raw"]
                session.source_hash = digest
                session.save()
                self.counts["sessions_updated"] += 1
                changed = True
        return changed


COUNT_KEYS = (
    "read",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "sessions_created",
    "sessions_updated",
    "sessions_unchanged",
    "sessions_rejected",
)


def import_training(
    source: str | Path | IO[bytes], *, fmt: str | None = None, filename: str = "", user_id: int | None = None
) -> ImportResult:
    """Import a training-offer file (LHÉO XML or CSV) and record an `ImportRun` of kind "training".

    `source` is a path or a binary stream; `fmt` is "lheo" or "csv" (guessed from the file name
    when omitted). Raises `TrainingFormatError` when the file cannot be read at all; the run is
    then recorded as failed with what was imported before the error kept (each course is its
    own transaction).
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or str(path)
        stream: IO[bytes] = path.open("rb")
    else:
        stream = source
    fmt = fmt or ("csv" if filename.lower().endswith(".csv") else "lheo")
    if fmt not in FORMATS:
        raise TrainingFormatError(_("format inconnu « %(fmt)s » (lheo ou csv)") % {"fmt": fmt})
    counts = dict.fromkeys(COUNT_KEYS, 0)
    rejections: list[dict[str, str]] = []
    run = ImportRun.objects.create(
        kind=RUN_KIND, files=[filename] if filename else [], options={"format": fmt, "user_id": user_id}
    )
    writer = _Writer(CourseSource.LHEO if fmt == "lheo" else CourseSource.CSV, _Places(), counts, rejections)
    reader = read_lheo if fmt == "lheo" else read_csv
    try:
        with stream:
            for record in reader(stream):
                counts["read"] += 1
                writer.write(record)
    except TrainingFormatError as exc:
        _finish(run, counts, rejections, ImportRun.Status.FAILED, str(exc))
        raise
    except BaseException as exc:
        _finish(run, counts, rejections, ImportRun.Status.INTERRUPTED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, counts, rejections, ImportRun.Status.DONE)
    return ImportResult(run=run, counts=counts, rejections=rejections)


def _finish(
    run: ImportRun, counts: dict[str, int], rejections: list[dict[str, str]], status: str, error: str = ""
) -> None:
    run.counts = counts
    run.rejections = rejections
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "rejections", "status", "error", "finished_at"])


def training_runs(limit: int = 10) -> Iterable[ImportRun]:
    """The latest training imports, newest first."""
    return ImportRun.objects.filter(kind=RUN_KIND).order_by("-started_at")[:limit]
