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
import hashlib
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from filiere.core.imports import ImportReport
from filiere.core.models import ImportRun
from filiere.matching.services import extract_skills
from filiere.matching.text import UserTextError
from filiere.organisations.models import Establishment, Organisation
from filiere.taxonomy.models import Skill
from filiere.territories.models import Commune, Department
from filiere.training.models import Course, CourseSkill, CourseSource, Session, SkillOrigin

from .csv_offer import read_csv
from .lheo import read_lheo
from .records import (
    FORMACODE,
    FORMATS,
    INSEE,
    RUN_KIND,
    SIRET,
    CourseRecord,
    Rejection,
    SessionRecord,
    TrainingFormatError,
    normalise_certification,
    rejection,
)

__all__ = [
    "FORMACODE",
    "FORMATS",
    "TrainingFormatError",
    "check_readable",
    "guess_format",
    "import_training",
    "normalise_certification",
    "read_csv",
    "read_lheo",
    "training_runs",
]

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

        if code not in self.communes:
            self.communes[code] = Commune.objects.filter(pk=code).first()
        return self.communes[code]

    def department_of_postcode(self, postcode: str) -> tuple[str, str]:

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
    def __init__(self, source: str, places: _Places, report: ImportReport) -> None:
        self.source = source
        self.places = places
        self.report = report
        self.counts = report.counts

    def reject(self, refused: Rejection) -> None:
        # Counted by the caller: refused courses and refused sessions are counted apart.
        self.report.keep(refused)

    def write(self, record: CourseRecord) -> None:
        organisation = self.places.organisation(record.siret) if SIRET.match(record.siret) else None
        if SIRET.match(record.siret) and organisation is None:
            record.errors.append(
                rejection(
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
                    rejection(
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
                    rejection(
                        record.where,
                        "codepostal",
                        _("code postal inconnu « %(code)s »") % {"code": record.postcode[:10]},
                        record.key,
                    )
                )
                return None
        elif not record.distance:
            record.errors.append(
                rejection(
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
    source: str | Path | IO[bytes],
    *,
    fmt: str | None = None,
    filename: str = "",
    user_id: int | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Import a training-offer file (LHÉO XML or CSV) and record an `ImportRun` of kind "training".

    `source` is a path or a binary stream; `fmt` is "lheo" or "csv" (guessed from the file name
    when omitted). Raises `TrainingFormatError` when the file cannot be read at all; the run is
    then recorded as failed with what was imported before the error kept (each course is its
    own transaction). `run`: the run to record in, already claimed by this process (the task of
    a web upload, `tasks.import_training_file`); by default a new one.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or str(path)
        stream: IO[bytes] = path.open("rb")
    else:
        stream = source
    fmt = guess_format(filename, fmt)
    if fmt not in FORMATS:
        raise TrainingFormatError(_("format inconnu « %(fmt)s » (lheo ou csv)") % {"fmt": fmt})
    report = ImportReport(counts=dict.fromkeys(COUNT_KEYS, 0))
    counts = report.counts
    # Runs of killed processes are marked interrupted before this one starts.
    ImportRun.objects.mark_abandoned()
    if run is None:
        run = ImportRun.objects.create(
            kind=RUN_KIND, files=[filename] if filename else [], options={"format": fmt, "user_id": user_id}
        )
    else:
        run.options = {**run.options, "format": fmt, "user_id": user_id}
        run.save(update_fields=["options"])
    report.run = run
    writer = _Writer(CourseSource.LHEO if fmt == "lheo" else CourseSource.CSV, _Places(), report)
    reader = read_lheo if fmt == "lheo" else read_csv
    try:
        with stream:
            for record in reader(stream):
                counts["read"] += 1
                writer.write(record)
                run.beat(counts)  # at most every HEARTBEAT_SECONDS
    except TrainingFormatError as exc:
        _finish(run, report, ImportRun.Status.FAILED, str(exc))
        raise
    except BaseException as exc:
        _finish(run, report, ImportRun.Status.INTERRUPTED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, report, ImportRun.Status.DONE)
    return report


def _finish(run: ImportRun, report: ImportReport, status: str, error: str = "") -> None:
    run.finish(status, counts=report.counts, rejections=report.rejections_as_dicts(), error=error)


def guess_format(filename: str, fmt: str | None = None) -> str:
    """The format asked for, else "csv" for a .csv file name, else "lheo"."""
    return fmt or ("csv" if filename.lower().endswith(".csv") else "lheo")


HEAD_BYTES = 256 * 1024


def check_readable(upload: IO[bytes], *, fmt: str) -> None:
    """The web upload's quick check, before it is queued: read at most its first `HEAD_BYTES`
    (the whole file when smaller) as the import would, up to its first course. Raises
    `TrainingFormatError` on a wrong root element or CSV header, a DTD, or XML or CSV that cannot
    be read before the first course ends (in a larger file, an error at the cut is not the file's:
    ignored). What comes after is the import's to find, and its run's to report."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    reader = read_lheo if fmt == "lheo" else read_csv
    try:
        next(iter(reader(io.BytesIO(head))), None)
    except TrainingFormatError as exc:
        cut = len(head) == HEAD_BYTES
        if not (cut and isinstance(exc.__cause__, (SyntaxError, UnicodeDecodeError, csv.Error))):
            raise


def training_runs(limit: int = 10) -> Iterable[ImportRun]:
    """The latest training imports, newest first."""
    return ImportRun.objects.filter(kind=RUN_KIND).order_by("-started_at")[:limit]
