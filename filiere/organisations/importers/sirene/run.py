"""The services: `scan_sirene`, `import_sirene_file`, `import_sirene`; a file read ahead in a thread
while the main thread writes batch by batch, each batch in a transaction, the run recorded in a
`core.ImportRun`."""

from __future__ import annotations

import csv
import queue
import threading
import time
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from filiere.core.models import ImportRun
from filiere.organisations.models import Organisation

from .base import (
    DEFAULT_BATCH_SIZE,
    DIGITAL,
    RUN_KINDS,
    VACUUM_AFTER_ROWS,
    EtabKind,
    ImportResult,
    Rejected,
    SireneFormatError,
    Territories,
    new_counts,
    resolve_naf_codes,
)
from .reading import (
    RejectionReport,
    detect_kind,
    iter_records,
    line_hash,
    open_stock,
    read_header,
    split_line,
)
from .specs import EtablissementSpec, UniteLegaleSpec


def _regions_or_none(values: Iterable[str] | str | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = values.split(",")
    return {v.strip().upper() for v in values if v.strip()} or None


def scan_sirene(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
) -> ImportResult:
    """Read, filter and validate a stock file without writing anything (the benchmark's scan pass)."""
    return _run(path, naf_codes=naf_codes, regions=regions, departments=departments, write=False)


def import_sirene_file(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import one SIRENE stock file (kind detected from its header) and record an `ImportRun`.

    Raises `SireneFormatError` for a file that is not a stock file (the run is recorded as
    failed). Any exception or Ctrl-C while importing marks the run interrupted and is re-raised;
    the batches already committed stay, and a rerun counts them as unchanged.
    """
    return _run(
        path,
        naf_codes=naf_codes,
        regions=regions,
        departments=departments,
        write=True,
        progress=progress,
        batch_size=batch_size,
        report_path=report_path,
        on_batch=on_batch,
    )


def import_sirene(
    paths: str | Path | Sequence[str | Path],
    *,
    naf_codes: Iterable[str] | str | None = DIGITAL,
    regions: Iterable[str] | str | None = None,
    departments: Iterable[str] | str | None = None,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import SIRENE stock files: establishment files first, then legal-unit files.

    That order lets a StockUniteLegale file name the organisations the establishments created,
    whatever the NAF filter (a unit already in the directory is always updated). One `ImportRun`
    and one `ImportResult` per file. See `import_sirene_file` for the options.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    kinds = {Path(p): _peek_kind(Path(p)) for p in paths}
    ordered = sorted(kinds, key=lambda p: kinds[p] != "etablissement")
    results = []
    for index, path in enumerate(ordered):
        report = report_path
        if report_path and len(ordered) > 1:
            report = Path(report_path).with_stem(f"{Path(report_path).stem}-{index + 1}")
        results.append(
            import_sirene_file(
                path,
                naf_codes=naf_codes,
                regions=regions,
                departments=departments,
                progress=progress,
                batch_size=batch_size,
                report_path=report,
                on_batch=on_batch,
            )
        )
    written = sum(r.counts["created"] + r.counts["updated"] for r in results)
    if written >= VACUUM_AFTER_ROWS and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics and visibility map now rather than at autovacuum's next pass: the
        # directory's "starts with" search is an index-only scan only on visible pages.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE organisations_establishment")
            cursor.execute("VACUUM ANALYZE organisations_organisation")
    return results


def _peek_kind(path: Path) -> EtabKind | None:
    try:
        with open_stock(path) as (binary, _size):
            return detect_kind(read_header(binary, path))
    except (SireneFormatError, OSError, zipfile.BadZipFile):
        return None  # reported properly by the import itself


def _run(
    path: str | Path,
    *,
    naf_codes: Iterable[str] | str | None,
    regions: Iterable[str] | str | None,
    departments: Iterable[str] | str | None,
    write: bool,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report_path: str | Path | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    path = Path(path)
    started = time.perf_counter()
    codes = resolve_naf_codes(naf_codes)
    region_set, department_set = _regions_or_none(regions), _regions_or_none(departments)
    options = {
        "naf_codes": sorted(codes) if codes is not None else "all",
        "regions": sorted(region_set) if region_set else None,
        "departments": sorted(department_set) if department_set else None,
        "batch_size": batch_size,
    }
    counts = new_counts()
    with open_stock(path) as (binary, total):
        header = read_header(binary, path)
        try:
            kind = detect_kind(header)
        except SireneFormatError as exc:
            if write:
                ImportRun.objects.create(
                    kind="sirene", files=[str(path)], status=ImportRun.Status.FAILED, options=options,
                    error=str(exc), finished_at=timezone.now(),
                )  # fmt: skip
            raise SireneFormatError(f"{path.name} : {exc}") from None
        needs_territories = kind == "etablissement" and (write or region_set or department_set)
        territories = Territories.load() if needs_territories else Territories({}, {})
        spec: EtablissementSpec | UniteLegaleSpec
        known_sirens: set[str] | None = None
        if kind == "etablissement":
            spec = EtablissementSpec(header, territories, region_set, department_set)
        else:
            spec = UniteLegaleSpec(header)
            if codes is not None or region_set or department_set:
                known_sirens = set(Organisation.objects.exclude(siren=None).values_list("siren", flat=True))
            if region_set or department_set:
                codes = frozenset()  # only units whose establishments are in the territory
        result = ImportResult(kind=RUN_KINDS[kind], path=str(path), counts=counts)
        run = None
        if write:
            # Runs of killed processes are marked interrupted before this one starts.
            ImportRun.objects.mark_abandoned()
            run = ImportRun.objects.create(
                kind=RUN_KINDS[kind], files=[str(path)], options=options, report_path=str(report_path or "")
            )
            result.run = run
        # The reader's counts (read, kept, rejected, duplicates) run ahead of the writes: each
        # batch carries them as they were when it was cut, and `counts` takes them once it is
        # committed, so an interrupted run records how far the committed work went.
        scanned = new_counts()
        report = RejectionReport(scanned, report_path)
        bar = _progress_bar(total, path.name) if progress else None
        position = [0]

        def tick() -> None:
            now = binary.tell()
            bar.update(now - position[0])
            position[0] = now

        records = iter_records(
            binary, naf_codes=codes, known_sirens=known_sirens, counts=scanned, tick=tick if bar else None
        )
        batches = _batches(
            records, spec, path=path, codes=codes, known_sirens=known_sirens, report=report,
            counts=scanned, batch_size=batch_size if write else 0,
        )  # fmt: skip
        if write:
            batches = read_ahead(batches)
        try:
            for batch, so_far in batches:
                _flush(spec, batch, counts, so_far, result, on_batch)
            _merge_scan_counts(counts, scanned)
        except BaseException as exc:
            batches.close()  # stops and joins the reader before its counts are read
            if run is not None:
                _finish(
                    run, counts, report, ImportRun.Status.INTERRUPTED, error=f"{type(exc).__name__}: {exc}"
                )
            raise
        finally:
            report.close()
            if bar is not None:
                bar.update(total - position[0])
                bar.close()
    counts["filtered"] = counts["read"] - counts["kept"] - counts["rejected"]
    result.rejections = report.stored
    result.seconds = time.perf_counter() - started
    if run is not None:
        _finish(run, counts, report, ImportRun.Status.DONE)
    return result


def _batches(
    records: Iterable[tuple[int, bytes]],
    spec: Any,
    *,
    path: Path,
    codes: frozenset[str] | None,
    known_sirens: set[str] | None,
    report: RejectionReport,
    counts: dict[str, int],
    batch_size: int,
) -> Iterator[tuple[dict[str, tuple[int, str, list[str], str]], dict[str, int]]]:
    """Decode, parse, filter and validate records: (batch, counts so far) every `batch_size` kept.

    A batch maps the record's key (SIRET, SIREN) to (line number, line, row, hash): a key seen
    twice keeps its last line and counts a duplicate. With `batch_size` 0 nothing is batched
    (a scan). Rejections go to `report`, with their line number and reason.
    """
    batch: dict[str, tuple[int, str, list[str], str]] = {}
    for line_no, raw_line in records:
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            report.reject(path, line_no, "encodage invalide (UTF-8 attendu)", raw_line.decode("latin-1"))
            continue
        try:
            row = split_line(line)
        except csv.Error as exc:
            report.reject(path, line_no, f"ligne CSV illisible ({exc})", line)
            continue
        if len(row) != spec.ncols:
            report.reject(path, line_no, f"{len(row)} colonnes au lieu de {spec.ncols}", line)
            continue
        if (
            codes is not None
            and row[spec.i_naf] not in codes
            and (known_sirens is None or row[spec.i_siren] not in known_sirens)
        ):
            continue
        if not spec.in_territory(row):
            continue
        try:
            key = spec.validate(row)
        except Rejected as exc:
            report.reject(path, line_no, str(exc), line, field=exc.field)
            continue
        counts["kept"] += 1
        if not batch_size:
            continue
        if key in batch:
            counts["duplicates"] += 1
        batch[key] = (line_no, line, row, line_hash(line))
        if len(batch) >= batch_size:
            yield batch, dict(counts)
            batch = {}
    if batch:
        yield batch, dict(counts)


_SCAN_COUNTS = ("read", "kept", "rejected", "duplicates")


def _merge_scan_counts(counts: dict[str, int], scanned: Mapping[str, int]) -> None:
    for key in _SCAN_COUNTS:
        counts[key] = scanned[key]


_END = object()


def read_ahead(items: Iterator[Any], depth: int = 2) -> Generator[Any, None, None]:
    """Iterate `items` in a thread, at most `depth` items ahead of the consumer.

    The import's reading (scanning a 40 M-line file, parsing, validating) is Python; its writing
    spends most of its time inside the database driver, which releases the GIL: run side by
    side they overlap on a machine with two cores or more. The reader never touches the
    database. An exception in the reader is raised here; when the consumer stops early
    (exception, Ctrl-C, `close()`), the reader is told to stop and is joined.
    """
    out: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                out.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((_END, exc))
            return
        put((_END, None))

    reader = threading.Thread(target=produce, name="sirene-reader", daemon=True)
    reader.start()
    try:
        while True:
            item, error = out.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        reader.join()


def _flush(spec: Any, batch: dict, counts: dict[str, int], so_far: Mapping[str, int], result: ImportResult,
           on_batch: Callable[[ImportResult], None] | None) -> None:  # fmt: skip
    # Counted apart and merged after the commit, so a rolled-back batch leaves the counts right.
    delta = dict.fromkeys(("created", "updated", "unchanged"), 0)
    with transaction.atomic():
        spec.write(batch, delta)
    for key, value in delta.items():
        counts[key] += value
    _merge_scan_counts(counts, so_far)
    if result.run is not None:
        result.run.beat(counts)  # at most every HEARTBEAT_SECONDS: a killed run is then found
    if on_batch is not None:
        on_batch(result)


def _finish(
    run: ImportRun, counts: dict[str, int], report: RejectionReport, status: str, error: str = ""
) -> None:
    counts["filtered"] = counts["read"] - counts["kept"] - counts["rejected"]
    run.finish(status, counts=counts, rejections=[r.as_dict() for r in report.stored], error=error)


def _progress_bar(total: int, name: str) -> Any:
    import sys

    from tqdm import tqdm

    return tqdm(
        total=total, unit="B", unit_scale=True, desc=name, disable=not sys.stderr.isatty(), leave=False
    )
