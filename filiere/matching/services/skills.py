"""Skill extraction: the taxonomy's skills a French text mentions (through the gazetteer),
as spans for display or as every equivalent ESCO/ROME id for indexing, and skills' display labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.text import UserTextError, clean_user_text, tokenize


@dataclass(frozen=True)
class SkillMatch:
    """A skill found in a text; ``start``/``end`` index the text the caller passed."""

    skill_id: int
    label: str
    score: float
    start: int
    end: int
    surface: str


def _find(text: str) -> list:
    return get_gazetteer().find(tokenize(text))


def extract_skills(text: str, *, limit: int = 30) -> list[SkillMatch]:
    """Skills of the taxonomy mentioned in a French text, best first, one per skill concept.

    Raises `UserTextError` (French message) on empty or binary text; a text over 100 kB is
    analysed on its first 100,000 characters (see `clean_user_text`). Spans index ``text``.
    """
    clean = clean_user_text(text)
    gaz = get_gazetteer()
    best: dict[int, SkillMatch] = {}
    for match in gaz.find(tokenize(clean)):
        current = best.get(match.concept)
        if current is None or match.score > current.score:
            best[match.concept] = SkillMatch(
                skill_id=gaz.concept_skills[match.concept][0],
                label=gaz.concept_labels[match.concept],
                score=match.score,
                start=match.start,
                end=match.end,
                surface=clean[match.start : match.end],
            )
    return sorted(best.values(), key=lambda m: (-m.score, m.start))[:limit]


def extract_skill_ids(text: str) -> list[int]:
    """Every skill id (all equivalent ESCO/ROME ids of each concept found) for indexing a text."""
    try:
        clean = clean_user_text(text)
    except UserTextError:
        return []
    gaz = get_gazetteer()
    ids: list[int] = []
    for concept in dict.fromkeys(m.concept for m in gaz.find(tokenize(clean))):
        ids.extend(gaz.concept_skills[concept])
    return ids


def skill_labels(skill_ids: Iterable[int]) -> list[str]:
    """Display labels of skill ids, one per concept, in the given order."""
    gaz = get_gazetteer()
    concepts = [c for s in skill_ids if (c := gaz.skill_concept.get(s)) is not None]
    return [gaz.concept_labels[c] for c in dict.fromkeys(concepts)]
