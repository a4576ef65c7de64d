"""Directory full-text search: the text we index and (later) the database-specific backends."""

from __future__ import annotations

from collections.abc import Iterable

from filiere.core.text import fold


def search_text_for(*parts: str | None, tags: Iterable[str] = ()) -> str:
    """The folded text indexed for an establishment: names, sign, city, postcode, tags.

    Importers and services call this whenever they write an establishment, so search is
    accent-insensitive on both sides ("numerique" finds "Numérique").
    """
    words = [p for p in parts if p]
    words.extend(t for t in tags if t)
    return fold(" ".join(words))
