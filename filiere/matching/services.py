"""The matching engine's entry points: skill extraction, indexing, hybrid search, vectors.

Other apps call only these names (and `link_occupations`). Search fuses four channels by
weighted reciprocal-rank fusion, each giving its CANDIDATES best documents:

- lexical: BM25 over the folded, stemmed words of the documents;
- typos: BM25 over the corpus words closest by character trigrams to query words that no
  document contains ("cybersécurtié" → cybersecur);
- skills: overlap between the query's skill concepts and each document's skills (idf-weighted);
- semantic: cosine between the query embedding and the document vectors (exact, numpy), for
  documents whose vector is computed (a background task; a document without one still ranks
  through the other channels).

All four read in-process arrays of the doc_type (`filiere.matching.corpus`), rebuilt when the
index's version token changes, so a search costs a few numpy operations whatever the number of
documents containing a query word. Each hit says in French why it matched ("compétences :
apprentissage automatique ; mots : rail").

Length (about 650 lines), for now: issue 11 item 4 reshapes this surface (structured input as
well as text, the unused full-text index removed); split it along the new seams once that lands.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from filiere.matching import corpus
from filiere.matching.embeddings import Embedder, embed_query, get_embedder
from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.models import Document, DocumentVector
from filiere.matching.occupations import OccupationLink, link_occupations
from filiere.matching.text import (
    MAX_CHARS,
    CleanText,
    UserTextError,
    clean_user_text,
    terms_for,
    tokenize,
    truncation_message,
)

logger = logging.getLogger(__name__)

CHANNELS = frozenset({"lexical", "typos", "skills", "semantic"})
# Tuned on the métier → compétences dev set (docs/matching-eval.md): at equal weight the skill
# channel, which favours any item sharing one broad skill, pulled MRR down.
WEIGHTS = {"lexical": 1.0, "typos": 0.5, "skills": 0.5, "semantic": 1.0}
RRF_K = 60
CANDIDATES = 200
MAX_QUERY_CHARS = 5000
# The typo channel runs for search-box queries (up to this many words), not for whole texts.
MAX_TYPO_QUERY_WORDS = 8
# A structured query (`match_documents`) weighs at most this many skill concepts.
MAX_QUERY_SKILLS = 30


@dataclass(frozen=True)
class SkillMatch:
    """A skill found in a text; ``start``/``end`` index the text the caller passed."""

    skill_id: int
    label: str
    score: float
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Hit:
    """A ranked document with the French explanation of why it matched."""

    doc_id: int
    score: float
    explanation: list[str]
    matched_skills: list[str]


# -- skill extraction ------------------------------------------------------------------------


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


# -- index -----------------------------------------------------------------------------------


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _enqueue_vectors(doc_type: str) -> None:
    """Ask a task worker for the vectors; skipped with the in-process backend (it would embed now)."""
    immediate = "ImmediateBackend" in settings.TASKS["default"]["BACKEND"]
    if immediate and not getattr(settings, "MATCHING_EMBED_ON_INDEX", False):
        return
    from filiere.matching.tasks import compute_vectors

    transaction.on_commit(lambda: compute_vectors.enqueue(doc_type=doc_type))


def index_documents(
    doc_type: str, docs: Iterable[tuple[int, str]], *, skill_ids: dict[int, list[int]] | None = None
) -> int:
    """Create or update index rows for (doc_id, text) pairs; returns how many rows were written.

    Skills come from ``skill_ids`` when given for a document, else are extracted from its text.
    A changed text drops the document's vectors and enqueues their computation (background task;
    until then the document ranks through its words and skills). Unchanged rows are not written.
    """
    written: list[Document] = []
    created: list[Document] = []
    changed_text: list[int] = []
    docs = list(docs)
    for start in range(0, len(docs), 1000):
        chunk = docs[start : start + 1000]
        existing = {
            d.doc_id: d for d in Document.objects.filter(doc_type=doc_type, doc_id__in=[i for i, _ in chunk])
        }
        now = timezone.now()
        for doc_id, raw in chunk:
            try:
                text = str(clean_user_text(raw or " ", max_chars=MAX_CHARS)).strip()
            except UserTextError:
                text = ""
            skills = list(skill_ids[doc_id]) if skill_ids and doc_id in skill_ids else extract_skill_ids(text)
            text_hash = _text_hash(text)
            doc = existing.get(doc_id)
            if doc is None:
                created.append(
                    Document(
                        doc_type=doc_type,
                        doc_id=doc_id,
                        text=text,
                        terms=terms_for(text),
                        skill_ids=skills,
                        content_hash=text_hash,
                    )
                )
                continue
            if doc.content_hash == text_hash and doc.skill_ids == skills:
                continue
            if doc.content_hash != text_hash:
                changed_text.append(doc.pk)
                doc.text, doc.terms, doc.content_hash = text, terms_for(text), text_hash
            doc.skill_ids = skills
            doc.updated_at = now
            written.append(doc)
    with transaction.atomic():
        Document.objects.bulk_create(created, batch_size=500)
        if created and created[0].pk is None:  # backends that do not return ids (none we support)
            pks = dict(
                Document.objects.filter(
                    doc_type=doc_type, doc_id__in=[d.doc_id for d in created]
                ).values_list("doc_id", "id")
            )
            for d in created:
                d.pk = pks[d.doc_id]
        Document.objects.bulk_update(
            written, ["text", "terms", "skill_ids", "content_hash", "updated_at"], batch_size=500
        )
        if changed_text:
            DocumentVector.objects.filter(document_id__in=changed_text).delete()
        if created or written:
            corpus.touch(doc_type, vectors=bool(changed_text))
    if created or changed_text:
        _enqueue_vectors(doc_type)
    return len(created) + len(written)


def remove_documents(doc_type: str, doc_ids: Iterable[int]) -> None:
    """Remove documents (and their vectors) from the index; unknown ids are ignored."""
    doc_ids = list(doc_ids)
    for start in range(0, len(doc_ids), 1000):
        chunk = doc_ids[start : start + 1000]
        with transaction.atomic():
            pks = list(
                Document.objects.filter(doc_type=doc_type, doc_id__in=chunk).values_list("id", flat=True)
            )
            Document.objects.filter(id__in=pks).delete()
            if pks:
                corpus.touch(doc_type, vectors=True)


# -- vectors ---------------------------------------------------------------------------------


def pending_vectors(*, doc_type: str | None = None, embedder: Embedder | None = None):  # noqa: ANN201
    """Documents that lack a vector of the current embedder (name and version)."""
    embedder = embedder or get_embedder()
    current = DocumentVector.objects.filter(
        document=OuterRef("pk"), model_name=embedder.name, model_version=embedder.version
    )
    queryset = Document.objects.filter(~Exists(current))
    return queryset.filter(doc_type=doc_type) if doc_type else queryset


def compute_pending_vectors(
    *, doc_type: str | None = None, batch_size: int = 64, embedder: Embedder | None = None
) -> int:
    """Embed every document without a vector of the current model; returns how many were embedded.

    Vectors of other model versions are replaced. Run by the `compute_vectors` task and the
    `matching vectors` command.
    """
    embedder = embedder or get_embedder()
    done = 0
    while True:
        batch = list(pending_vectors(doc_type=doc_type, embedder=embedder).order_by("id")[:batch_size])
        if not batch:
            return done
        vectors = embedder.embed([d.text or " " for d in batch], kind="passage").astype(np.float32)
        with transaction.atomic():
            DocumentVector.objects.filter(document__in=batch).delete()
            DocumentVector.objects.bulk_create(
                [
                    DocumentVector(
                        document=d,
                        model_name=embedder.name,
                        model_version=embedder.version,
                        dim=vectors.shape[1],
                        vector=vectors[i].tobytes(),
                    )
                    for i, d in enumerate(batch)
                ]
            )
            corpus.touch([d.doc_type for d in batch], documents=False, vectors=True)
        done += len(batch)


# -- in-process caches ------------------------------------------------------------------------


def reset_caches() -> None:
    """Forget the in-process corpus and vector caches (tests)."""
    corpus.reset()


def touch_index(doc_type: str, *, vectors: bool = True) -> None:
    """Tell every process that ``doc_type``'s documents (and vectors) changed.

    The services call it themselves; only a loader that writes `Document` rows directly (a
    benchmark's bulk insert) needs it.
    """
    corpus.touch(doc_type, vectors=vectors)


def index_version(doc_type: str) -> str | None:
    """The current version token of ``doc_type`` (None if never touched): a cheap staleness check.

    Callers that keep their own per-process arrays (the showcase's filter columns) use
    `touch_index` and this as a version counter shared by all processes.
    """
    state = corpus.state(doc_type)
    return state[0] if state else None


# -- search ----------------------------------------------------------------------------------


def _query_words(clean: str) -> tuple[list[str], dict[str, str]]:
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


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first, ties by row (= by doc_id)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        keep = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[keep]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


def _lexical_scores(
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


def _skill_scores(
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


def _semantic_top(
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
    words, surfaces = _query_words(clean) if clean else ([], {})
    depth = max(CANDIDATES, limit)
    ranked: dict[str, np.ndarray] = {}
    variants: dict[str, list[tuple[str, float]]] = {}
    if "lexical" in channels or "typos" in channels:
        lexical, fuzzy, variants = _lexical_scores(data, words, allowed)
        if "lexical" in channels and lexical is not None:
            ranked["lexical"] = _top_rows(lexical, depth)
        if "typos" in channels and fuzzy is not None:
            ranked["typos"] = _top_rows(fuzzy, depth)
        if "typos" not in channels:
            variants = {}
    if "skills" in channels and query_concepts:
        scores = _skill_scores(data, query_concepts, allowed)
        if scores is not None:
            ranked["skills"] = _top_rows(scores, depth)
    semantic_scores: dict[int, float] = {}
    if "semantic" in channels and meaning:
        rows, sims = _semantic_top(doc_type, data, meaning, allowed, depth)
        ranked["semantic"] = rows
        semantic_scores = dict(zip(rows.tolist(), sims.tolist(), strict=True))
    ranked = {c: r for c, r in ranked.items() if len(r)}
    weights = {**WEIGHTS, **(weights or {})}
    fused = _rrf(ranked, weights)
    if not fused:
        return []
    best = sum(weights[c] for c in ranked) / (RRF_K + 1) or 1.0
    order = heapq.nsmallest(limit, fused, key=lambda r: (-fused[r], r))
    return _explain(
        data, order, fused, best, words, surfaces, variants, query_concepts, ranked, semantic_scores,
        doc_type=doc_type,
    )  # fmt: skip


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


def _explain(
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


__all__ = [
    "CHANNELS",
    "CleanText",
    "Hit",
    "OccupationLink",
    "SkillMatch",
    "UserTextError",
    "clean_user_text",
    "compute_pending_vectors",
    "extract_skill_ids",
    "extract_skills",
    "index_documents",
    "index_version",
    "link_occupations",
    "match_documents",
    "pending_vectors",
    "remove_documents",
    "reset_caches",
    "search_documents",
    "skill_labels",
    "touch_index",
    "truncation_message",
]
