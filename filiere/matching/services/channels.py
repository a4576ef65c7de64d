"""The four channels' scores over a doc_type's in-process arrays: BM25 on the query words,
the typo channel (corpus words near unknown query words), skill concepts weighted by idf, and the
nearest vectors to the query's embedding."""

from __future__ import annotations

import math

import numpy as np

from filiere.matching import corpus
from filiere.matching.embeddings import embed_query, get_embedder
from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.text import tokenize

# The typo channel runs for search-box queries (up to this many words), not for whole texts.
MAX_TYPO_QUERY_WORDS = 8


def query_words(clean: str) -> tuple[list[str], dict[str, str]]:
    """Normalised query words (typos corrected against the taxonomy vocabulary) and their surfaces."""
    gaz = get_gazetteer()
    words: list[str] = []
    surfaces: dict[str, str] = {}
    for token in tokenize(clean):
        norm = token.norm
        if token.folded not in gaz.vocab and (fixed := gaz.correct(token.folded)) is not None:
            words.append(gaz.vocab[fixed])
            surfaces.setdefault(gaz.vocab[fixed], clean[token.start : token.end])
        words.append(norm)
        surfaces.setdefault(norm, clean[token.start : token.end])
    return list(dict.fromkeys(words)), surfaces


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first, ties by row (= by doc_id)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        keep = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[keep]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


def lexical_scores(
    data: corpus.Corpus, words: list[str], allowed: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray | None, dict[str, list[tuple[str, float]]]]:
    """BM25 scores of the query words, and of corpus words close to the unknown ones (typo channel).

    Returns (lexical scores, typo-channel scores, {unknown word: [(corpus word, similarity)]}).
    The typo channel serves what people type in a search box: in a longer text (a whole job
    description ranked against items) most words are simply absent from the corpus, and their
    near words would only add noise.
    """
    lexical = np.zeros(data.size, np.float32)
    fuzzy: np.ndarray | None = None
    variants: dict[str, list[tuple[str, float]]] = {}
    any_word = False
    typos = len(words) <= MAX_TYPO_QUERY_WORDS
    for word in words:
        found = data.postings(word)
        if found is not None:
            rows, weights, idf = found
            lexical[rows] += np.float32(idf) * weights
            any_word = True
            continue
        close = data.variants(word) if typos else []
        if close:
            variants[word] = close
            if fuzzy is None:
                fuzzy = np.zeros(data.size, np.float32)
            for variant, similarity in close:
                rows, weights, idf = data.postings(variant)  # type: ignore[misc]
                fuzzy[rows] += np.float32(idf * similarity) * weights
    if allowed is not None:
        if any_word:
            lexical[~allowed] = 0
        if fuzzy is not None:
            fuzzy[~allowed] = 0
    return (lexical if any_word else None), fuzzy, variants


def skill_scores(
    data: corpus.Corpus, query_concepts: dict[int, float], allowed: np.ndarray | None
) -> np.ndarray | None:
    """Sum over the query's skill concepts a document has of (match score × idf)."""
    scores: np.ndarray | None = None
    for concept, weight in query_concepts.items():
        rows = data.concept_rows.get(concept)
        if rows is None or not len(rows):
            continue
        # A skill few documents have says more than one most of them have.
        idf = math.log(1 + data.size / len(rows))
        if scores is None:
            scores = np.zeros(data.size, np.float32)
        scores[rows] += np.float32(weight * idf)
    if scores is not None and allowed is not None:
        scores[~allowed] = 0
    return scores


def semantic_top(
    doc_type: str, data: corpus.Corpus, clean: str, allowed: np.ndarray | None, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(corpus rows, cosines) of the k documents closest to the query, best first."""
    matrix = corpus.get_matrix(doc_type, get_embedder())
    if not len(matrix.doc_ids):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    rows = matrix.corpus_rows(data)
    usable = rows >= 0
    if allowed is not None:
        usable &= allowed[np.maximum(rows, 0)]
    indexes, sims = matrix.top(embed_query(clean), k, usable)
    return rows[indexes], sims
