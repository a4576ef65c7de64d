"""Hits and their explanation in French: the skills, words, near words (as the text writes
them) and closeness of meaning that made each document match."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from filiere.matching import corpus
from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.models import Document
from filiere.matching.text import tokenize


@dataclass(frozen=True)
class Hit:
    """A ranked document with the French explanation of why it matched."""

    doc_id: int
    score: float
    explanation: list[str]
    matched_skills: list[str]


def _written_forms(doc_type: str, doc_ids: list[int]) -> dict[int, dict[str, str]]:
    """For each document, its indexed stems → the word as the text writes it (first occurrence,
    lowercased): the explanation says "embarquée → embarqué", never "→ embarqu"."""
    if not doc_type or not doc_ids:
        return {}
    forms: dict[int, dict[str, str]] = {}
    texts = Document.objects.filter(doc_type=doc_type, doc_id__in=doc_ids).values_list("doc_id", "text")
    for doc_id, text in texts:
        seen: dict[str, str] = {}
        for token in tokenize(text):
            seen.setdefault(token.norm, text[token.start : token.end].lower())
        forms[doc_id] = seen
    return forms


def explain_results(
    data: corpus.Corpus,
    order: list[int],
    fused: dict[int, float],
    best: float,
    words: list[str],
    surfaces: dict[str, str],
    variants: dict[str, list[tuple[str, float]]],
    query_concepts: dict[int, float],
    ranked: dict[str, np.ndarray],
    semantic_scores: dict[int, float],
    *,
    doc_type: str = "",
) -> list[Hit]:
    """Hits for the chosen rows, each with its French explanation."""
    gaz = get_gazetteer()
    rows = np.asarray(order, dtype=np.int64)
    has_word = {w: data.has_term(w, rows) for w in words if w in surfaces and w in data.term_index}
    has_variant = {v: data.has_term(v, rows) for close in variants.values() for v, _ in close}
    # A near word is an indexed stem ("embarqu"): people read the word of the text instead.
    written = _written_forms(doc_type, [int(data.doc_ids[r]) for r in order]) if has_variant else {}
    # Translated once per search: gettext goes through a thread-local lookup on every call.
    skills_fmt, words_fmt = _("compétences : %s"), _("mots : %s")
    typos_fmt = _("mots proches : %s")
    sense_fmt, sense_only = _("proximité de sens : %s"), _("proximité de sens")
    semantic_top = set(ranked["semantic"][:10].tolist()) if "semantic" in ranked else set()
    hits: list[Hit] = []
    for position, row in enumerate(order):
        matched_words = [surfaces[w] for w, present in has_word.items() if present[position]]
        forms = written.get(int(data.doc_ids[row]), {})
        near = [
            f"{surfaces.get(word, word)} → {forms.get(variant, variant)}"
            for word, close in variants.items()
            for variant, _similarity in close
            if has_variant[variant][position]
        ]
        concepts = data.row_concepts[row]
        matched = [gaz.concept_labels[c] for c in query_concepts if c in concepts]
        explanation: list[str] = []
        if matched:
            explanation.append(skills_fmt % ", ".join(matched))
        if matched_words:
            explanation.append(words_fmt % ", ".join(dict.fromkeys(w.lower() for w in matched_words)))
        if near:
            explanation.append(typos_fmt % ", ".join(dict.fromkeys(near)))
        if row in semantic_scores and (not explanation or row in semantic_top):
            explanation.append(sense_fmt % number_format(semantic_scores[row], 2))
        if not explanation:
            explanation.append(sense_only)
        hits.append(
            Hit(
                doc_id=int(data.doc_ids[row]),
                score=round(fused[row] / best, 4),
                explanation=explanation,
                matched_skills=matched,
            )
        )
    return hits
