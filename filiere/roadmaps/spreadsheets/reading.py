"""Reading a roadmap workbook: every sheet streamed row by row (each row only as wide as its
header, at most `MAX_ROWS` filled rows), every cell checked and turned into plain rows, every
problem reported with its sheet, row and column (`WorkbookReport`). Nothing is written here."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from filiere.core.exports import unguard
from filiere.core.imports import ImportReport
from filiere.organisations.models import Organisation
from filiere.roadmaps.computations import computations
from filiere.roadmaps.models import (
    ActionStatus,
    Computation,
    Direction,
    Plan,
    Priority,
)
from filiere.roadmaps.services import VALUE_MARGIN_DAYS, parse_value
from filiere.roadmaps.spreadsheets.columns import (
    ACTION_OPTIONAL,
    BASELINE,
    LIST_SEPARATOR,
    MEASURE,
    STEP_DONE,
    STEP_TODO,
    TARGET,
    UnknownOwners,
)

if TYPE_CHECKING:
    pass


# --- Import ------------------------------------------------------------------------------------


@dataclass
class WorkbookReport(ImportReport):
    """A workbook's import report (`core.imports.ImportReport`): any rejection means nothing was
    written (`ok` is False); a rejection's `where` is the sheet, `line` the row, `field` the
    column; counts are per kind of row (`actions_created`, `indicators_unchanged`...)."""

    counts: dict[str, int] = field(default_factory=dict)

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.reject(line=row, field=column or "", message=message, where=sheet)


def fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unguard(str(value)).split())


def _choice(value: str, choices: Any) -> str | None:
    folded = fold_text(value)
    for code, label in choices.choices:
        if folded in (fold_text(code), fold_text(str(label))):
            return code
    return None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _period(plan: Plan) -> str:
    return f"{plan.start_date:%d/%m/%Y} – {plan.end_date:%d/%m/%Y}"


class Sheet:
    """Rows of a sheet as dicts keyed by column name, after checking the header."""

    def __init__(self, report: WorkbookReport, name: str, rows: _Rows, columns: list[str]) -> None:
        self.report, self.name = report, name
        header = [_text(c) for c in rows.header]
        known = {fold_text(c): c for c in columns}
        self.index: dict[str, int] = {}
        for position, title in enumerate(header):
            if not title:
                continue
            canonical = known.get(fold_text(title))
            if canonical is None:
                report.error(
                    name,
                    1,
                    title,
                    _("Colonne inconnue « %(column)s » ; colonnes attendues : %(expected)s.")
                    % {"column": title, "expected": ", ".join(columns)},
                )
            elif canonical in self.index:
                report.error(name, 1, title, _("Colonne « %(column)s » en double.") % {"column": title})
            else:
                self.index[canonical] = position
        self.missing = [c for c in columns if c not in self.index and c not in ACTION_OPTIONAL]
        for column in self.missing:
            report.error(
                name,
                1,
                column,
                _("Colonne manquante « %(column)s » ; colonnes attendues : %(expected)s.")
                % {"column": column, "expected": ", ".join(columns)},
            )
        self.rows = rows.body

    def records(self) -> Iterable[tuple[int, dict[str, Any]]]:
        for number, row in self.rows:
            yield number, {c: (row[i] if i < len(row) else None) for c, i in self.index.items()}


@dataclass
class ActionRow:
    row: int
    axis: str
    objective: str
    title: str
    fields: dict[str, Any]
    partners: list[Organisation]
    funders: list[Organisation]
    steps: list[tuple[str, dt.date | None, bool]] | None = None  # None: no "Étapes" column


@dataclass
class IndicatorRow:
    row: int
    name: str
    attrs: dict[str, Any]
    nature: str
    date: dt.date | None
    value: Decimal | None
    source: str
    linked: list[str]


class WorkbookReader:
    def __init__(self, report: WorkbookReport, plan: Plan, unknown_owners: UnknownOwners) -> None:
        self.report, self.plan, self.unknown_owners = report, plan, unknown_owners
        self.orgs: dict[str, list[Organisation]] = {}

    def organisation(
        self, name: str, sheet: str, row: int, column: str, *, fallback: bool
    ) -> Organisation | None:
        folded = fold_text(name)
        if folded not in self.orgs:
            found = list(Organisation.objects.filter(name__iexact=name).order_by("pk")[:2])
            if not found:
                found = list(Organisation.objects.filter(acronym__iexact=name).order_by("pk")[:2])
            self.orgs[folded] = found
        found = self.orgs[folded]
        if not found:
            message = _("Organisation inconnue dans l'annuaire : « %(name)s ».") % {"name": name}
            if self.unknown_owners == "keep_name":
                note = _("conservé comme texte") if fallback else _("ignoré")
                self.report.warn(line=row, field=column or "", message=f"{message} ({note})", where=sheet)
            else:
                self.report.error(sheet, row, column, message)
            return None
        return found[0]

    def number(
        self, record: dict[str, Any], sheet: str, row: int, column: str, *, minimum: Decimal | None = None
    ) -> Decimal | None:
        raw = record.get(column)
        if raw is None or _text(raw) == "":
            return None
        try:
            number = parse_value(raw)
        except ValidationError:
            self.report.error(
                sheet, row, column, _("« %(value)s » n'est pas un nombre.") % {"value": _text(raw)}
            )
            return None
        if minimum is not None and number < minimum:
            self.report.error(sheet, row, column, _("Le montant ne peut pas être négatif."))
            return None
        return number

    def date(
        self, record: dict[str, Any], sheet: str, row: int, column: str, *, margin_days: int
    ) -> dt.date | None:
        raw = record.get(column)
        if raw is None or _text(raw) == "":
            return None
        try:
            day = _date(raw)
        except ValueError:
            self.report.error(
                sheet,
                row,
                column,
                _("« %(value)s » n'est pas une date (JJ/MM/AAAA).") % {"value": _text(raw)},
            )
            return None
        if not self.plan.contains(day, margin_days=margin_days):
            message = _("Date %(date)s hors de la période du plan (%(period)s)") % {
                "date": day.strftime("%d/%m/%Y"),
                "period": _period(self.plan),
            }
            if margin_days:
                message += _(", à un an près")
            self.report.error(sheet, row, column, message + ".")
            return None
        return day

    def actions(self, sheet: Sheet) -> list[ActionRow]:
        parsed: list[ActionRow] = []
        seen: dict[tuple[str, str, str], int] = {}
        name = sheet.name
        for row, record in sheet.records():
            path = [_text(record.get(c)) for c in ("Axe", "Objectif", "Action")]
            for column, value in zip(("Axe", "Objectif", "Action"), path, strict=True):
                if column in sheet.index and not value:
                    self.report.error(name, row, column, _("Cellule vide : le titre est obligatoire."))
            key = tuple(fold_text(p) for p in path)
            if all(path) and key in seen:
                self.report.error(
                    name, row, "Action", _("Action en double (déjà en ligne %(row)d).") % {"row": seen[key]}
                )
            seen.setdefault(key, row)  # type: ignore[arg-type]
            fields: dict[str, Any] = {}
            owner_text = _text(record.get("Porteur"))
            owner = self.organisation(owner_text, name, row, "Porteur", fallback=True) if owner_text else None
            fields["owner_id"] = owner.pk if owner else None
            fields["owner_name"] = "" if owner or not owner_text else owner_text
            lists: dict[str, list[Organisation]] = {}
            for column in ("Partenaires", "Financeurs"):
                names = [n.strip() for n in _text(record.get(column)).split(LIST_SEPARATOR) if n.strip()]
                lists[column] = [
                    o
                    for n in names
                    if (o := self.organisation(n, name, row, column, fallback=False)) is not None
                ]
            fields["budget_planned"] = self.number(record, name, row, "Budget prévu", minimum=Decimal(0))
            fields["budget_spent"] = self.number(record, name, row, "Budget consommé", minimum=Decimal(0))
            for column, choices, attr, default in (
                ("Statut", ActionStatus, "status", ActionStatus.NOT_STARTED),
                ("Priorité", Priority, "priority", Priority.MEDIUM),
            ):
                text = _text(record.get(column))
                code = _choice(text, choices) if text else default
                if code is None:
                    allowed = ", ".join(str(label) for label in choices.labels)
                    self.report.error(
                        name,
                        row,
                        column,
                        _("Valeur « %(value)s » inconnue ; valeurs possibles : %(allowed)s.")
                        % {"value": text, "allowed": allowed},
                    )
                fields[attr] = code or default
            fields["start_date"] = self.date(record, name, row, "Début", margin_days=0)
            fields["end_date"] = self.date(record, name, row, "Fin", margin_days=0)
            if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
                self.report.error(name, row, "Fin", _("La fin de l'action précède son début."))
            if "Poids" in sheet.index:
                weight = self.number(record, name, row, "Poids", minimum=Decimal(0))
                fields["weight"] = Decimal(1) if weight is None else weight
            if "Description" in sheet.index:
                raw = record.get("Description")
                fields["description"] = "" if raw is None else str(raw).strip()
            steps = self.steps(record, name, row) if "Étapes" in sheet.index else None
            parsed.append(ActionRow(row, *path, fields, lists["Partenaires"], lists["Financeurs"], steps))
        return parsed

    def steps(self, record: dict[str, Any], sheet: str, row: int) -> list[tuple[str, dt.date | None, bool]]:
        """The "Étapes" cell: one step a line, "[x] Title (31/01/2019)", "[ ]" when not done."""
        steps: list[tuple[str, dt.date | None, bool]] = []
        raw = record.get("Étapes")
        for line in ("" if raw is None else str(raw)).splitlines():
            text = " ".join(line.split())
            if not text:
                continue
            done = text.lower().startswith(STEP_DONE)
            if done or text.startswith(STEP_TODO):
                text = text[len(STEP_DONE) :].strip()
            match = _STEP_DATE.search(text)
            due = None
            if match:
                text = text[: match.start()].strip()
                try:
                    due = dt.datetime.strptime(match.group(1), "%d/%m/%Y").date()
                except ValueError:
                    due = None
                if due is None or not self.plan.contains(due):
                    self.report.error(
                        sheet,
                        row,
                        "Étapes",
                        _(
                            "Étape « %(title)s » : échéance %(date)s invalide ou hors de la période du plan (%(period)s)."
                        )
                        % {"title": text, "date": match.group(1), "period": _period(self.plan)},
                    )
                    continue
            if any(fold_text(t) == fold_text(text) for t, _d, _done in steps):
                self.report.error(sheet, row, "Étapes", _("Étape « %(title)s » en double.") % {"title": text})
                continue
            steps.append((text[:255], due, done))
        return steps

    def indicators(self, sheet: Sheet, action_titles: set[str]) -> list[IndicatorRow]:
        parsed: list[IndicatorRow] = []
        name = sheet.name
        # (indicator, nature, date) → first row: a second baseline of an indicator, or a second
        # target or value at the same date, would silently overwrite the first one.
        seen: dict[tuple[str, str, dt.date | None], int] = {}
        for row, record in sheet.records():
            indicator = _text(record.get("Indicateur"))
            if not indicator:
                self.report.error(
                    name, row, "Indicateur", _("Cellule vide : le nom de l'indicateur est obligatoire.")
                )
            attrs: dict[str, Any] = {"unit": _text(record.get("Unité"))}
            for column, choices, attr, default in (
                ("Sens", Direction, "direction", Direction.UP),
                ("Mode de calcul", Computation, "computation", Computation.IMPORTED),
            ):
                text = _text(record.get(column))
                code = _choice(text, choices) if text else default
                if code is None:
                    allowed = ", ".join(str(label) for label in choices.labels)
                    self.report.error(
                        name,
                        row,
                        column,
                        _("Valeur « %(value)s » inconnue ; valeurs possibles : %(allowed)s.")
                        % {"value": text, "allowed": allowed},
                    )
                attrs[attr] = code or default
            attrs["computed_key"] = _text(record.get("Clé de calcul"))
            if attrs["computation"] == Computation.COMPUTED and attrs["computed_key"] not in computations():
                self.report.error(
                    name,
                    row,
                    "Clé de calcul",
                    _("Calcul inconnu : « %(key)s ».") % {"key": attrs["computed_key"]},
                )
            nature = _choice(_text(record.get("Nature")), _Natures) or ""
            if not nature:
                self.report.error(
                    name,
                    row,
                    "Nature",
                    _("Nature « %(value)s » inconnue ; valeurs possibles : %(allowed)s.")
                    % {
                        "value": _text(record.get("Nature")),
                        "allowed": ", ".join((BASELINE, TARGET, MEASURE)),
                    },
                )
            if nature == MEASURE and attrs["computation"] == Computation.COMPUTED:
                # The platform computes these values itself (dated the day it ran); they are
                # exported for reading and never imported back.
                continue
            margin = 0 if nature == BASELINE else VALUE_MARGIN_DAYS
            day = self.date(record, name, row, "Date", margin_days=margin) if nature != BASELINE else None
            if nature == BASELINE and _text(record.get("Date")):
                try:
                    day = _date(record.get("Date"))
                except ValueError:
                    self.report.error(
                        name,
                        row,
                        "Date",
                        _("« %(value)s » n'est pas une date (JJ/MM/AAAA).")
                        % {"value": _text(record.get("Date"))},
                    )
            value = self.number(record, name, row, "Valeur")
            if nature in (TARGET, MEASURE):
                if day is None and not any(
                    e.line == row and e.field == "Date" for e in self.report.rejections
                ):
                    self.report.error(name, row, "Date", _("Cellule vide : la date est obligatoire."))
                if value is None and not any(
                    e.line == row and e.field == "Valeur" for e in self.report.rejections
                ):
                    self.report.error(name, row, "Valeur", _("Cellule vide : la valeur est obligatoire."))
            linked = [
                t.strip() for t in _text(record.get("Actions liées")).split(LIST_SEPARATOR) if t.strip()
            ]
            for title in linked:
                if fold_text(title) not in action_titles:
                    self.report.error(
                        name, row, "Actions liées", _("Action inconnue : « %(title)s ».") % {"title": title}
                    )
            source = _text(record.get("Source"))
            key = (fold_text(indicator), nature, None if nature == BASELINE else day)
            if indicator and nature and (nature == BASELINE or day) and key in seen:
                message = (
                    _("Deuxième ligne « Référence » pour cet indicateur (déjà en ligne %(row)d).")
                    if nature == BASELINE
                    else _("%(nature)s en double à cette date pour cet indicateur (déjà en ligne %(row)d).")
                )
                self.report.error(
                    name,
                    row,
                    "Nature" if nature == BASELINE else "Date",
                    message % {"row": seen[key], "nature": nature},
                )
            seen.setdefault(key, row)
            parsed.append(IndicatorRow(row, indicator, attrs, nature, day, value, source, linked))
        return parsed


_STEP_DATE = re.compile(r"\((\d{1,2}/\d{1,2}/\d{4})\)$")


class _Natures:
    choices = [(BASELINE, BASELINE), (TARGET, TARGET), (MEASURE, MEASURE)]


# A sheet is read row by row (openpyxl read_only) and each row only as wide as its header: a
# stray cell at column XFD would otherwise widen every row to 16,384 cells (a 63 KB workbook
# took 1.38 GB). Empty rows are skipped as they stream by, and a sheet stops at MAX_ROWS.
MAX_COLUMNS = 200
MAX_ROWS = 10_000


@dataclass
class _Rows:
    """A sheet's header (row 1) and its non-empty rows, each with its row number in the sheet."""

    header: tuple[Any, ...] = ()
    body: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)


def _read_sheet(sheet: Any, report: WorkbookReport) -> _Rows:
    first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    width = max((i + 1 for i, cell in enumerate(first) if _text(cell)), default=0)
    rows = _Rows(header=tuple(first[:width]))
    if width == 0:
        return rows
    for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
        if all(cell is None or _text(cell) == "" for cell in row):
            continue
        if len(rows.body) == MAX_ROWS:
            report.error(
                sheet.title,
                number,
                None,
                _("Feuille trop longue : au plus %(limit)s lignes remplies.") % {"limit": MAX_ROWS},
            )
            break
        rows.body.append((number, tuple(row)))
    return rows


def load_rows(file: IO[bytes] | bytes, report: WorkbookReport) -> dict[str, _Rows] | None:
    data = file if isinstance(file, bytes) else file.read()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        report.error("", None, None, _("Le fichier n'est pas un classeur XLSX lisible."))
        return None
    try:
        return {ws.title: _read_sheet(ws, report) for ws in workbook.worksheets}
    finally:
        workbook.close()
