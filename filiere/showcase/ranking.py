"""The showcase's door to the matching engine (`filiere.matching.services`).

Everything the showcase asks of the engine goes through the five functions below, so the
contract lives in one place. While the engine module is not installed (it is developed in
parallel), `LexicalFallback` stands in: a deliberately small, slow, in-database word-overlap
ranker over the profiles' own text, clearly not the production engine.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from filiere.core.text import fold

DOC_TYPE = "showcase_org"
MAX_USER_TEXT = 100_000


class UserTextError(ValueError):
    """Fallback twin of the engine's UserTextError (message in French)."""


def engine() -> Any:
    """The matching engine module, or the lexical fallback when it is not installed yet."""
    try:
        return importlib.import_module("filiere.matching.services")
    except ImportError:
        return LexicalFallback


def user_text_error() -> type[Exception]:
    """The exception class the engine raises on unusable user text."""
    return getattr(engine(), "UserTextError", UserTextError)


def clean_user_text(text: str, *, max_chars: int = MAX_USER_TEXT) -> str:
    """Clean a buyer's text through the engine (raises the engine's UserTextError)."""
    return engine().clean_user_text(text, max_chars=max_chars)


def extract_skills(text: str, *, limit: int = 30) -> list[Any]:
    """Skills found in a text (engine SkillMatch objects)."""
    return engine().extract_skills(text, limit=limit)


def index_documents(docs: Iterable[tuple[int, str]], *, skill_ids: dict[int, list[int]] | None = None) -> int:
    """Index (or reindex) showcase organisations in the engine."""
    return engine().index_documents(DOC_TYPE, docs, skill_ids=skill_ids)


def remove_documents(doc_ids: Iterable[int]) -> None:
    """Drop showcase organisations from the engine's index."""
    engine().remove_documents(DOC_TYPE, list(doc_ids))


def search_documents(query: str, *, restrict_ids: list[int] | None = None, limit: int = 50) -> list[Any]:
    """Ranked showcase organisations (engine Hit objects) for a query."""
    return engine().search_documents(query, doc_type=DOC_TYPE, restrict_ids=restrict_ids, limit=limit)


# --- Lexical fallback -------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOP = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "et",
    "en",
    "pour",
    "un",
    "une",
    "a",
    "au",
    "aux",
    "sur",
}
_SYNONYMS = {"machine learning": "apprentissage automatique", "ml": "apprentissage automatique"}


@dataclass
class FallbackHit:
    doc_id: int
    score: float
    explanation: list[str] = field(default_factory=list)
    matched_skills: list[str] = field(default_factory=list)


class LexicalFallback:
    """Minimal lexical fallback, used only while filiere.matching.services is absent."""

    UserTextError = UserTextError

    @staticmethod
    def clean_user_text(text: str, *, max_chars: int = MAX_USER_TEXT) -> str:
        if "\x00" in text:
            raise UserTextError("Ce texte contient des caractères binaires : collez du texte brut.")
        if len(text) > max_chars:
            raise UserTextError("Ce texte est trop long (plus de 100 000 caractères).")
        return " ".join(text.split())

    @staticmethod
    def extract_skills(text: str, *, limit: int = 30) -> list[Any]:
        return []

    @staticmethod
    def index_documents(doc_type: str, docs: Iterable[tuple[int, str]], *, skill_ids: Any = None) -> int:
        return len(list(docs))

    @staticmethod
    def remove_documents(doc_type: str, doc_ids: Iterable[int]) -> None:
        return None

    @staticmethod
    def _words(text: str) -> set[str]:
        folded = fold(text)
        for source, target in _SYNONYMS.items():
            folded = re.sub(rf"\b{source}\b", target, folded)
        return {w for w in _WORD.findall(folded) if w not in _STOP}

    @classmethod
    def search_documents(
        cls, query: str, *, doc_type: str, restrict_ids: list[int] | None = None, limit: int = 50
    ) -> list[FallbackHit]:
        from .indexing import profile_documents
        from .models import ShowcaseProfile

        words = cls._words(query)
        profiles = ShowcaseProfile.objects.filter(is_published=True)
        if restrict_ids is not None:
            profiles = profiles.filter(pk__in=restrict_ids)
        hits = []
        for doc_id, text in profile_documents(profiles):
            common = words & cls._words(text)
            if common:
                hits.append(FallbackHit(doc_id, len(common) / len(words), [", ".join(sorted(common))]))
        hits.sort(key=lambda h: (-h.score, h.doc_id))
        return hits[:limit]
