"""Importers that feed the directory. Each one streams its input and is idempotent."""

from filiere.organisations.importers.sirene import (
    DIGITAL,
    ImportResult,
    SireneFormatError,
    digital_naf_codes,
    import_sirene,
    import_sirene_file,
    scan_sirene,
)

__all__ = [
    "DIGITAL",
    "ImportResult",
    "SireneFormatError",
    "digital_naf_codes",
    "import_sirene",
    "import_sirene_file",
    "scan_sirene",
]
