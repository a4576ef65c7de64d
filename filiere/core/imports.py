"""The one shape of an import's report, returned by every importer (reference data, SIRENE,
training offer, roadmap spreadsheets, survey contacts) and stored in its `core.ImportRun`.

    report = ImportReport()
    report.created += 1
    report.reject(line=12, field="siret", message=_("SIRET invalide"), excerpt=raw)

`counts` holds created / updated / unchanged / rejected (also readable as attributes) and any
counter of the importer's own (read, kept, filtered, sessions_created...); `rejections` the
refused lines, each with its line number, field and message, at most `max_stored` of them (the
`rejected` count goes on); `warnings` what was written but deserves a look.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filiere.core.models import ImportRun

COUNTS = ("created", "updated", "unchanged", "rejected")
MAX_STORED_REJECTIONS = 1000


@dataclass(frozen=True)
class Rejection:
    """One refused line (or a warning): where it is, which field, and why, in the user's words."""

    line: int | None
    field: str
    message: str
    #: Where, when a line number does not say it all: a file, a sheet, an XML element.
    where: str = ""
    #: The record's key when known (a SIRET, a course id), to find it in the source.
    key: str = ""
    #: The raw record, cut at 200 characters.
    excerpt: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(name: str) -> property:
    def get(self: ImportReport) -> int:
        return self.counts.get(name, 0)

    def set_(self: ImportReport, value: int) -> None:
        self.counts[name] = value

    return property(get, set_, doc=f"Lines or rows {name}.")


@dataclass
class ImportReport:
    """What an import did: counts, refused lines, warnings, per-table detail, and its run."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    #: Table → {created, updated, unchanged}, for loaders that fill several tables.
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    run: ImportRun | None = None
    max_stored: int = MAX_STORED_REJECTIONS

    created = _count("created")
    updated = _count("updated")
    unchanged = _count("unchanged")
    rejected = _count("rejected")

    @property
    def ok(self) -> bool:
        """True when nothing was refused."""
        return not self.rejected and not self.rejections

    @property
    def run_id(self) -> int | None:
        return self.run.pk if self.run else None

    def count(self, key: str, by: int = 1) -> None:
        """Add to one counter (created, updated... or one of the importer's own)."""
        self.counts[key] = self.counts.get(key, 0) + by

    def reject(
        self,
        *,
        line: int | None,
        field: str = "",
        message: str,
        where: str = "",
        key: str = "",
        excerpt: str = "",
    ) -> Rejection:
        """Count a refused line and keep it (the first `max_stored` of them)."""
        rejection = Rejection(line, field, message, where, key, excerpt[:200])
        self.count("rejected")
        self.keep(rejection)
        return rejection

    def keep(self, rejection: Rejection) -> None:
        """Keep an already counted rejection (importers that count refused courses and refused
        sessions apart), within `max_stored`."""
        if len(self.rejections) < self.max_stored:
            self.rejections.append(rejection)

    def warn(self, *, line: int | None, field: str = "", message: str, where: str = "") -> None:
        """Keep a warning: the line was written, but someone should look at it."""
        self.warnings.append(Rejection(line, field, message, where))

    def add(self, table: str, other: ImportReport) -> None:
        """Add another report's counts to this one, as the detail of `table`."""
        for name in ("created", "updated", "unchanged"):
            self.count(name, other.counts.get(name, 0))
        self.tables[table] = {name: other.counts.get(name, 0) for name in ("created", "updated", "unchanged")}

    def rejections_as_dicts(self) -> list[dict[str, Any]]:
        """The kept rejections as stored in `ImportRun.rejections`."""
        return [r.as_dict() for r in self.rejections]

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts, "tables": self.tables}
