"""The showcase's door to the matching engine (`filiere.matching.services`).

Everything the showcase asks of the engine goes through these functions, so the contract the
two apps share lives in one place: doc_type "showcase_org", doc_id = organisation id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from filiere.matching import services as engine
from filiere.matching.services import UserTextError

DOC_TYPE = "showcase_org"
MAX_QUERY_CHARS = 5000  # the engine's own query limit: longer queries are cut, with a notice

__all__ = [
    "DOC_TYPE",
    "UserTextError",
    "clean_query",
    "clean_user_text",
    "index_documents",
    "search_documents",
]


def clean_user_text(text: str, *, max_chars: int = 100_000) -> str:
    """Clean a user's text through the engine (raises UserTextError with a French message)."""
    return str(engine.clean_user_text(text, max_chars=max_chars))


def clean_query(text: str) -> tuple[str, str]:
    """A buyer's query cleaned by the engine, and a French notice when it had to be cut.

    Raises UserTextError (empty after cleaning, binary). A query longer than MAX_QUERY_CHARS is
    truncated, not refused, and the notice says so.
    """
    clean = engine.clean_user_text(text, max_chars=MAX_QUERY_CHARS)
    notice = engine.truncation_message(MAX_QUERY_CHARS) if getattr(clean, "truncated", False) else ""
    return str(clean), notice


def extract_skills(text: str, *, limit: int = 30) -> list[Any]:
    """Skills found in a text (engine SkillMatch objects)."""
    return engine.extract_skills(text, limit=limit)


def index_documents(docs: Iterable[tuple[int, str]], *, skill_ids: dict[int, list[int]] | None = None) -> int:
    """Index (or reindex) showcase organisations in the engine."""
    return engine.index_documents(DOC_TYPE, docs, skill_ids=skill_ids)


def remove_documents(doc_ids: Iterable[int]) -> None:
    """Drop showcase organisations from the engine's index."""
    engine.remove_documents(DOC_TYPE, list(doc_ids))


def search_documents(
    query: str, *, restrict_ids: Collection[int] | None = None, limit: int = 50
) -> list[Any]:
    """Ranked showcase organisations (engine Hit objects) for a buyer's text, among
    ``restrict_ids`` (the buyer's filters, evaluated once by the caller)."""
    return engine.match_documents(doc_type=DOC_TYPE, text=query, restrict_ids=restrict_ids, limit=limit)
