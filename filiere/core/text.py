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


_WORD = re.compile(r"\b\w+\b")


def restore_capital_accents(texts: dict[str, str]) -> dict[str, str]:
    """The same texts with capitals given back their accent, learned from the texts themselves.

    Official nomenclatures often drop the accent of a capital ("Edition de logiciels" beside
    "Édition de jeux" and "édition de livres" in INSEE's NAF): a capitalised word whose accented
    form appears elsewhere in `texts` ("édition", "Édition") is written that way.
    """
    accented: dict[str, str] = {}
    for text in texts.values():
        for word in _WORD.findall(text):
            first = word[0]
            bare = _slow_fold(first)
            if bare != first.lower() and bare.isascii():
                accented.setdefault(bare.upper() + word[1:], first.upper() + word[1:])
    if not accented:
        return dict(texts)

    def fix(match: re.Match[str]) -> str:
        return accented.get(match.group(0), match.group(0))

    return {key: _WORD.sub(fix, text) for key, text in texts.items()}
