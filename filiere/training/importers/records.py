"""Records read from a training-offer file, their field parsers and checks (LHÉO and CSV)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from filiere.core.imports import Rejection
from filiere.training.models import (
    Funding,
    SessionStatus,
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


def rejection(where: str, field: str, message: str, key: str = "") -> Rejection:
    """A refused course or session: where in the file ("ligne 12", "formation[2]/action[1]"),
    which field, why, and the record's key."""
    return Rejection(line=None, field=field, message=message, where=where, key=key)


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


LHEO_NAMES: dict[str, str] = {
    "title": "intitule-formation",
    "siret": "SIRET",
    "formacode": "code-FORMACODE",
    "rome": "code-ROME",
}
CSV_NAMES = {"title": "title", "siret": "siret", "formacode": "formacode", "rome": "rome"}


# --- Field parsing --------------------------------------------------------------------------


def parse_lheo_date(value: str) -> dt.date:
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


def parse_csv_date(value: str) -> dt.date:
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


def parse_places(value: str) -> int | None:
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


def parse_hours(value: str) -> int | None:
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


def check_session(record: SessionRecord) -> None:
    if record.start and record.end and record.end < record.start:
        record.errors.append(
            rejection(
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


def check_course(record: CourseRecord) -> None:
    if not record.title.strip():
        record.errors.append(
            rejection(record.where, record.names["title"], _("intitulé manquant"), record.key)
        )
    if not SIRET.match(record.siret):
        record.errors.append(
            rejection(
                record.where,
                record.names["siret"],
                _("SIRET de 14 chiffres attendu, lu « %(value)s »") % {"value": record.siret[:20]},
                record.key,
            )
        )
    for code in record.formacodes:
        if not FORMACODE.match(code):
            record.errors.append(
                rejection(
                    record.where,
                    record.names["formacode"],
                    _("code Formacode de 5 chiffres attendu, lu « %(value)s »") % {"value": code[:20]},
                    record.key,
                )
            )
    for code in record.rome_codes:
        if not ROME_CODE.match(code):
            record.errors.append(
                rejection(
                    record.where,
                    record.names["rome"],
                    _("code ROME attendu (ex. M1805), lu « %(value)s »") % {"value": code[:20]},
                    record.key,
                )
            )
