"""Text helpers shared by search and import: accent folding for French."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"})


def _slow_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.lower()).strip()


# Fast path: one `str.translate` for the Latin-1 and Latin Extended-A letters that French names
# carry; importers fold every record, and per-character NFKD was a tenth of a SIRENE import.
_FAST = str.maketrans(
    {
        chr(code): _slow_fold(chr(code)) or chr(code)
        for code in range(0xC0, 0x180)
        if chr(code).isalpha() and _slow_fold(chr(code)).isascii()
    }
    | {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"}
)


def fold(text: str) -> str:
    """Lowercase, strip accents and ligatures, squeeze spaces: "Cité Numérique" -> "cite numerique"."""
    if not text:
        return ""
    quick = text.translate(_FAST)
    if not quick.isascii():
        return _slow_fold(text)
    return " ".join(quick.lower().split())
