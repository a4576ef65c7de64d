"""The search entry points: `search_documents` (a French query) and `match_documents` (skill ids
and optional text), the channels' weights and the weighted reciprocal-rank fusion of their
candidates."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable

import numpy as np

from filiere.matching import corpus
from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.text import clean_user_text, tokenize

from .channels import lexical_scores, query_words, semantic_top, skill_scores, top_rows
from .explain import Hit, explain_results

CHANNELS = frozenset({"lexical", "typos", "skills", "semantic"})
# Tuned on the métier → compétences dev set (docs/matching-eval.md): at equal weight the skill
# channel, which favours any item sharing one broad skill, pulled MRR down.
WEIGHTS = {"lexical": 1.0, "typos": 0.5, "skills": 0.5, "semantic": 1.0}
RRF_K = 60
CANDIDATES = 200
MAX_QUERY_CHARS = 5000
# A structured query (`match_documents`) weighs at most this many skill concepts.
MAX_QUERY_SKILLS = 30


def _rrf(ranked: dict[str, np.ndarray], weights: dict[str, float]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for channel, rows in ranked.items():
        weight = weights[channel]
        for rank, row in enumerate(rows.tolist()):
            fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)
    return fused


def search_documents(
    query: str,
    *,
    doc_type: str,
    restrict_ids: Collection[int] | None = None,
    limit: int = 50,
    channels: Collection[str] = CHANNELS,
    weights: dict[str, float] | None = None,
) -> list[Hit]:
    """Documents of ``doc_type`` best matching a French query, with explanations.

    ``restrict_ids`` limits results to those doc_ids (the caller's filters); ``channels`` picks
    channels among "lexical", "typos", "skills", "semantic" (evaluation baselines; "typos" is
    the character-trigram channel for query words no document contains) and ``weights`` their
    weights in the fusion (default `WEIGHTS`). Raises `UserTextError` on an empty or binary query.
    The skills the query names are found in its text (`match_documents` takes skill ids).

    Each channel takes its CANDIDATES best documents from in-process arrays (`corpus`), so the
    cost does not grow with the number of documents that contain a query word.
    """
    clean = clean_user_text(query, max_chars=MAX_QUERY_CHARS)
    return _search(
        doc_type, clean, _text_concepts(clean), clean, restrict_ids=restrict_ids, limit=limit,
        channels=channels, weights=weights,
    )  # fmt: skip


def match_documents(
    *,
    doc_type: str,
    skill_ids: Iterable[int] = (),
    text: str = "",
    restrict_ids: Collection[int] | None = None,
    limit: int = 50,
    channels: Collection[str] = CHANNELS,
    weights: dict[str, float] | None = None,
) -> list[Hit]:
    """Documents of ``doc_type`` best matching structured input: skill ids, and optional text.

    The skill channel reads the concepts of ``skill_ids`` directly (each at full weight, the
    first MAX_QUERY_SKILLS concepts in the given order), so a caller holding ids never turns them
    into labels for the engine to find again. ``text`` (occupation titles, a CV…) feeds the
    lexical and typo channels and adds the skills it names; the semantic channel embeds the text
    followed by the skills' labels. ``restrict_ids`` is the caller's filter, applied once, here.
    No text and no known skill: no result. Raises `UserTextError` on a binary text.
    """
    clean = clean_user_text(text, max_chars=MAX_QUERY_CHARS) if text and text.strip() else ""
    concepts = _text_concepts(clean) if clean else {}
    gaz = get_gazetteer()
    known = [c for s in skill_ids if (c := gaz.skill_concept.get(s)) is not None]
    picked = list(dict.fromkeys(known))[:MAX_QUERY_SKILLS]
    for concept in picked:
        concepts[concept] = max(concepts.get(concept, 0.0), 1.0)
    if not clean and not concepts:
        return []
    meaning = " ; ".join(part for part in [clean, *(gaz.concept_labels[c] for c in picked)] if part)
    return _search(
        doc_type, clean, concepts, meaning, restrict_ids=restrict_ids, limit=limit, channels=channels,
        weights=weights,
    )  # fmt: skip


def _text_concepts(clean: str) -> dict[int, float]:
    """The skill concepts a text names, each with its best match score, in order of appearance."""
    concepts: dict[int, float] = {}
    for m in get_gazetteer().find(tokenize(clean)):
        concepts[m.concept] = max(concepts.get(m.concept, 0.0), m.score)
    return concepts


def _search(
    doc_type: str,
    clean: str,
    query_concepts: dict[int, float],
    meaning: str,
    *,
    restrict_ids: Collection[int] | None,
    limit: int,
    channels: Collection[str],
    weights: dict[str, float] | None,
) -> list[Hit]:
    """Rank ``doc_type`` on words of ``clean``, ``query_concepts`` and the embedding of ``meaning``."""
    if restrict_ids is not None and not len(restrict_ids):
        return []
    data = corpus.get_corpus(doc_type)
    if not data.size:
        return []
    allowed: np.ndarray | None = None
    if restrict_ids is not None:
        wanted = (
            restrict_ids.astype(np.int64, copy=False)
            if isinstance(restrict_ids, np.ndarray)
            else np.fromiter(restrict_ids, dtype=np.int64, count=len(restrict_ids))
        )
        allowed = np.zeros(data.size, bool)
        allowed[data.rows_of(wanted)] = True
        if not allowed.any():
            return []
    words, surfaces = query_words(clean) if clean else ([], {})
    depth = max(CANDIDATES, limit)
    ranked: dict[str, np.ndarray] = {}
    variants: dict[str, list[tuple[str, float]]] = {}
    if "lexical" in channels or "typos" in channels:
        lexical, fuzzy, variants = lexical_scores(data, words, allowed)
        if "lexical" in channels and lexical is not None:
            ranked["lexical"] = top_rows(lexical, depth)
        if "typos" in channels and fuzzy is not None:
            ranked["typos"] = top_rows(fuzzy, depth)
        if "typos" not in channels:
            variants = {}
    if "skills" in channels and query_concepts:
        scores = skill_scores(data, query_concepts, allowed)
        if scores is not None:
            ranked["skills"] = top_rows(scores, depth)
    semantic_scores: dict[int, float] = {}
    if "semantic" in channels and meaning:
        rows, sims = semantic_top(doc_type, data, meaning, allowed, depth)
        ranked["semantic"] = rows
        semantic_scores = dict(zip(rows.tolist(), sims.tolist(), strict=True))
    ranked = {c: r for c, r in ranked.items() if len(r)}
    weights = {**WEIGHTS, **(weights or {})}
    fused = _rrf(ranked, weights)
    if not fused:
        return []
    best = sum(weights[c] for c in ranked) / (RRF_K + 1) or 1.0
    order = heapq.nsmallest(limit, fused, key=lambda r: (-fused[r], r))
    return explain_results(
        data, order, fused, best, words, surfaces, variants, query_concepts, ranked, semantic_scores,
        doc_type=doc_type,
    )  # fmt: skip
