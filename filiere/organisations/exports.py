"""Directory exports: any search result set as CSV (streamed), XLSX or ODS.

Heavy work is never done inside an anonymous request:
- CSV streams row by row (StreamingHttpResponse), so an export of a million establishments uses
  constant memory, for everyone.
- XLSX and ODS are built in memory by tablib (an ODS of 50,000 rows took 99 s of CPU and
  0.9 GB). Up to settings.EXPORT_MAX_ROWS_INLINE rows (5,000) they are built in the request.
  Above it, an anonymous visitor is refused with a page pointing to the CSV; a signed-in user gets a
  `DirectoryExport` built by the task worker (`tasks.build_directory_export`) and a page with the
  download link once it is ready. Nobody gets more than SPREADSHEET_MAX_ROWS rows (refused with
  the same page): beyond, the CSV is the only format. Never a silently truncated file.
- A built file is kept EXPORT_RETENTION, then deleted the next time anyone asks for an export;
  a user has at most one export in preparation at a time.

Cells go through `core.exports.safe_cell` (a leading apostrophe before = + - @, tab, carriage
return), so a spreadsheet never runs a formula planted in an organisation's name (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.core.exports import FORMATS, safe_cell
from filiere.territories.models import Department, Region

from .models import DirectoryExport, ExportStatus, HeadcountBand, Kind, Source, State
from .selectors import all_naf_labels, public_name

if TYPE_CHECKING:
    from filiere.accounts.permissions import User, Viewer

SPREADSHEET_MAX_ROWS = 50_000
EXPORT_RETENTION = timedelta(hours=24)
CHUNK_SIZE = 2_000


def headers() -> list[str]:
    """Column titles, in French (through gettext)."""
    return [
        _("SIRET"),
        _("SIREN"),
        _("Nom"),
        _("Enseigne"),
        _("Adresse"),
        _("Code postal"),
        _("Commune"),
        _("Département"),
        _("Région"),
        _("Code NAF"),
        _("Libellé NAF"),
        _("Numérique"),
        _("Tranche d'effectif"),
        _("Type"),
        _("État"),
        _("Date de création"),
        _("Date de fermeture"),
        _("Source"),
    ]


def rows(queryset: QuerySet) -> Iterator[list[str]]:
    """One list of cells per establishment, streamed from the database in chunks."""

    regions = dict(Region.objects.values_list("code", "name"))
    departments = dict(Department.objects.values_list("code", "name"))
    naf = all_naf_labels()
    bands = dict(HeadcountBand.choices)
    kinds = dict(Kind.choices)
    states = dict(State.choices)
    sources = dict(Source.choices)
    yes, no = _("oui"), _("non")
    for est in queryset.select_related("organisation").iterator(chunk_size=CHUNK_SIZE):
        org = est.organisation
        diffusible = org.is_diffusible and est.is_diffusible
        cells = [
            est.siret,
            org.siren,
            public_name(org, establishment=est) if diffusible else _("Non diffusible"),
            est.sign if diffusible else "",
            est.address if diffusible else "",
            est.postcode,
            est.city,
            departments.get(est.department_code, est.department_code),
            regions.get(est.region_code, est.region_code),
            est.naf_code,
            naf.get(est.naf_code, ""),
            yes if est.is_digital else no,
            bands.get(est.headcount_band, est.headcount_band),
            kinds.get(est.kind, est.kind),
            states.get(est.state, est.state),
            est.creation_date,
            est.closure_date,
            sources.get(org.source, org.source),
        ]
        yield [safe_cell(c) for c in cells]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer + streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet) -> Iterator[str]:
    """The CSV export line by line: a UTF-8 BOM (so Excel reads accents), header, rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for row in rows(queryset):
        yield writer.writerow(row)


def max_rows_inline() -> int:
    """Largest XLSX/ODS export built inside a request (settings.EXPORT_MAX_ROWS_INLINE)."""
    return min(settings.EXPORT_MAX_ROWS_INLINE, SPREADSHEET_MAX_ROWS)


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """The number of rows, counted no further than limit + 1 (enough to know it is above)."""
    return queryset.values("id")[: limit + 1].count()


def spreadsheet(queryset: QuerySet, fmt: str) -> bytes:
    """An XLSX or ODS file of at most SPREADSHEET_MAX_ROWS rows (callers check the count first)."""
    import tablib

    dataset = tablib.Dataset(headers=headers(), title=_("Annuaire"))
    for row in rows(queryset[:SPREADSHEET_MAX_ROWS]):
        dataset.append(row)
    return dataset.export(fmt)


def filename(fmt: str, today: date | None = None) -> str:
    """Download name: annuaire-filiere-YYYY-MM-DD.<ext>."""
    return f"annuaire-filiere-{(today or date.today()).isoformat()}.{FORMATS[fmt][1]}"


def as_table(queryset: QuerySet) -> Iterable[list[str]]:
    """Header then rows (used by tests and other apps that need the same columns)."""
    yield headers()
    yield from rows(queryset)


def request_export(*, user: User, fmt: str, query: str) -> DirectoryExport:
    """Queue a spreadsheet of the search `query` (its GET parameters) for `user`.

    A user's export still in preparation (asked for within EXPORT_RETENTION) is returned instead
    of queueing another, so one person never fills the worker's queue. Expired exports go.
    """
    now = timezone.now()
    DirectoryExport.objects.filter(created_at__lt=now - EXPORT_RETENTION).delete()
    pending = DirectoryExport.objects.filter(user=user, status=ExportStatus.PENDING).first()
    if pending is not None:
        return pending
    export = DirectoryExport.objects.create(user=user, fmt=fmt, query=query)
    from .tasks import build_directory_export

    transaction.on_commit(lambda: build_directory_export.enqueue(export_id=export.pk))
    return export


def build_export(export_id: int) -> None:
    """Build the file of a queued `DirectoryExport` (run by the task worker)."""
    from .selectors import DirectoryFilters, ordered_establishments

    export = DirectoryExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).first()
    if export is None:  # already built, or expired and deleted
        return
    try:
        queryset = ordered_establishments(DirectoryFilters.from_params(QueryDict(export.query)))
        export.row_count = count_up_to(queryset, SPREADSHEET_MAX_ROWS)
        export.content = spreadsheet(queryset, export.fmt)
        export.status = ExportStatus.READY
    except Exception:
        export.status = ExportStatus.FAILED
        raise
    finally:
        export.finished_at = timezone.now()
        export.save(update_fields=["row_count", "content", "status", "finished_at"])


def get_export_for_user(user: Viewer, pk: int) -> DirectoryExport:
    """The access function for exports: a user sees only their own (404 otherwise, and when expired)."""
    from django.http import Http404

    if not user.is_authenticated:
        raise Http404
    export = DirectoryExport.objects.filter(
        pk=pk, user=user, created_at__gte=timezone.now() - EXPORT_RETENTION
    ).first()
    if export is None:
        raise Http404
    return export
