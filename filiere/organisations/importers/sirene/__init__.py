"""Import of the INSEE SIRENE stock files (StockEtablissement, StockUniteLegale) into the directory.

The full stock holds ~40 M establishments, so the importer streams: it reads line by line, drops
lines whose NAF code is not wanted with a cheap string test before any CSV parsing, parses the
kept lines with `csv`, and writes in batches (one transaction each) with one query to fetch the
known records of a batch. Each record keeps the hash of its raw line: a rerun skips unchanged
records without comparing fields, and a rerun after an interruption simply finishes the job.

Establishments upsert on SIRET, legal units on SIREN. Fields a person edited on the platform
(`edited_fields`) are never overwritten."""

from __future__ import annotations

from .base import (
    DEFAULT_BATCH_SIZE,
    DIGITAL,
    ETAB_UPDATE_FIELDS,
    ETABLISSEMENT_COLUMNS,
    ND,
    NON_DIFFUSIBLE_NAME,
    PROGRESS_EVERY_LINES,
    RUN_KINDS,
    UL_UPDATE_FIELDS,
    UNITE_LEGALE_COLUMNS,
    VACUUM_AFTER_ROWS,
    EtabKind,
    ImportResult,
    Rejected,
    SireneFormatError,
    Territories,
    department_of,
    digital_naf_codes,
    resolve_naf_codes,
)
from .reading import detect_kind, open_stock
from .run import import_sirene, import_sirene_file, read_ahead, scan_sirene
from .writing import RowWriter, dump_json

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DIGITAL",
    "ETABLISSEMENT_COLUMNS",
    "ETAB_UPDATE_FIELDS",
    "EtabKind",
    "ImportResult",
    "ND",
    "NON_DIFFUSIBLE_NAME",
    "PROGRESS_EVERY_LINES",
    "RUN_KINDS",
    "Rejected",
    "SireneFormatError",
    "Territories",
    "UL_UPDATE_FIELDS",
    "UNITE_LEGALE_COLUMNS",
    "VACUUM_AFTER_ROWS",
    "RowWriter",
    "dump_json",
    "read_ahead",
    "department_of",
    "detect_kind",
    "digital_naf_codes",
    "import_sirene",
    "import_sirene_file",
    "open_stock",
    "resolve_naf_codes",
    "scan_sirene",
]
