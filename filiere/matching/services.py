"""The matching engine's entry points: skill extraction, indexing, hybrid search, vectors.

Other apps call only these names (and `link_occupations`). Search fuses three or four channels by
weighted reciprocal-rank fusion:

- lexical: the database's full text over folded, stemmed words (`backends`);
- skills: overlap between the query's skill concepts and each document's skills;
- semantic: cosine between the query embedding and the document vectors (exact, numpy), for
  documents whose vector is computed (a background task; a document without one still ranks
  through the other channels).

Each hit says in French why it matched ("compétences : apprentissage automatique ; mots : rail").
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from filiere.matching import backends
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

CHANNELS = frozenset({"lexical", "skills", "semantic"})
# Tuned on the métier → compétences dev set (docs/matching-eval.md): at equal weight the skill
# channel, which favours any item sharing one broad skill, pulled MRR down.
WEIGHTS = {"lexical": 1.0, "skills": 0.5, "semantic": 1.0}
RRF_K = 60
CANDIDATES = 200
MAX_QUERY_CHARS = 5000


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
        backends.sync_documents([(d.pk, d.terms) for d in [*created, *written]])
    _invalidate(doc_type)
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
            backends.delete_documents(pks)
            Document.objects.filter(id__in=pks).delete()
    _invalidate(doc_type)


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
            _invalidate(doc_type)
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
        done += len(batch)


# -- in-process caches of the skills and vectors of one doc_type -----------------------------


@dataclass
class _Profiles:
    key: tuple
    concepts: dict[int, frozenset[int]]  # doc_id → skill concepts
    postings: dict[int, list[int]]  # concept → doc_ids


@dataclass
class _Matrix:
    key: tuple
    doc_ids: np.ndarray
    vectors: np.ndarray


_cache_lock = threading.Lock()
_profiles: dict[str, _Profiles] = {}
_matrices: dict[tuple[str, str, str], _Matrix] = {}


# How long a search trusts the in-process caches without asking the database whether the
# index changed: a write shows in results at most this late, and most searches skip two queries.
CACHE_CHECK_SECONDS = 2.0
_checked: dict[tuple, float] = {}


def _fresh(cache_key: tuple) -> bool:
    return time.monotonic() - _checked.get(cache_key, -1e9) < CACHE_CHECK_SECONDS


def _invalidate(doc_type: str | None) -> None:
    """Make this process re-check its caches of ``doc_type`` (all types if None) on the next search."""
    for key in list(_checked):
        if doc_type is None or key[1] == doc_type:
            _checked.pop(key, None)


def _profiles_for(doc_type: str) -> _Profiles:
    cached = _profiles.get(doc_type)
    if cached is not None and _fresh(("profiles", doc_type)):
        return cached
    stats = Document.objects.filter(doc_type=doc_type).aggregate(n=Count("id"), last=Max("updated_at"))
    gaz = get_gazetteer()
    key = (stats["n"], stats["last"], gaz.signature)
    _checked[("profiles", doc_type)] = time.monotonic()
    if cached is not None and cached.key == key:
        return cached
    concepts: dict[int, frozenset[int]] = {}
    postings: dict[int, list[int]] = {}
    for doc_id, ids in (
        Document.objects.filter(doc_type=doc_type).values_list("doc_id", "skill_ids").iterator()
    ):
        found = frozenset(c for s in ids or () if (c := gaz.skill_concept.get(s)) is not None)
        concepts[doc_id] = found
        for c in found:
            postings.setdefault(c, []).append(doc_id)
    profiles = _Profiles(key, concepts, postings)
    with _cache_lock:
        _profiles[doc_type] = profiles
    return profiles


def _matrix_for(doc_type: str, embedder: Embedder) -> _Matrix:
    cache_key = (doc_type, embedder.name, embedder.version)
    cached = _matrices.get(cache_key)
    if cached is not None and _fresh(("matrix", *cache_key)):
        return cached
    # The version key is over all doc types (no join: ~10x cheaper on 100,000 vectors); any new
    # or deleted vector of the model rebuilds the matrix.
    stats = DocumentVector.objects.filter(model_name=embedder.name, model_version=embedder.version).aggregate(
        n=Count("id"), last=Max("id")
    )
    key = (stats["n"], stats["last"])
    _checked[("matrix", *cache_key)] = time.monotonic()
    if cached is not None and cached.key == key:
        return cached
    vectors = DocumentVector.objects.filter(
        document__doc_type=doc_type, model_name=embedder.name, model_version=embedder.version
    )
    rows = list(vectors.values_list("document__doc_id", "vector").iterator())
    if rows:
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(len(rows), -1)
    else:
        ids, matrix = np.zeros(0, np.int64), np.zeros((0, embedder.dim), np.float32)
    result = _Matrix(key, ids, matrix)
    with _cache_lock:
        _matrices[cache_key] = result
    return result


def reset_caches() -> None:
    """Forget the in-process skill and vector caches (tests)."""
    with _cache_lock:
        _profiles.clear()
        _matrices.clear()
        _checked.clear()


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


def _restricted(ids: Iterable[int], restrict: set[int] | None) -> list[int]:
    return [i for i in ids if restrict is None or i in restrict]


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
    channels among "lexical", "skills", "semantic" (evaluation baselines) and ``weights`` their
    weights in the fusion (default `WEIGHTS`). Raises `UserTextError`
    on an empty or binary query.
    """
    clean = clean_user_text(query, max_chars=MAX_QUERY_CHARS)
    restrict = set(restrict_ids) if restrict_ids is not None else None
    if restrict is not None and not restrict:
        return []
    words, surfaces = _query_words(clean)
    gaz = get_gazetteer()
    query_concepts: dict[int, float] = {}
    for m in gaz.find(tokenize(clean)):
        query_concepts[m.concept] = max(query_concepts.get(m.concept, 0.0), m.score)
    ranked: dict[str, list[int]] = {}
    semantic_scores: dict[int, float] = {}

    if "lexical" in channels:
        ranked["lexical"] = [
            doc_id
            for doc_id, _ in backends.lexical_search(
                words, doc_type=doc_type, restrict_ids=restrict, limit=max(CANDIDATES, limit)
            )
        ]
    profiles: _Profiles | None = None
    if "skills" in channels and query_concepts:
        profiles = _profiles_for(doc_type)
        scores: dict[int, float] = {}
        n_docs = len(profiles.concepts) or 1
        for concept, weight in query_concepts.items():
            postings = profiles.postings.get(concept, ())
            # A skill few documents have says more than one most of them have.
            idf = math.log(1 + n_docs / len(postings)) if postings else 0.0
            for doc_id in _restricted(postings, restrict):
                scores[doc_id] = scores.get(doc_id, 0.0) + weight * idf
        ranked["skills"] = heapq.nsmallest(max(CANDIDATES, limit), scores, key=lambda d: (-scores[d], d))
    if "semantic" in channels:
        embedder = get_embedder()
        matrix = _matrix_for(doc_type, embedder)
        if len(matrix.doc_ids):
            sims = matrix.vectors @ embed_query(clean)
            if restrict is not None:
                mask = np.isin(matrix.doc_ids, np.fromiter(restrict, dtype=np.int64, count=len(restrict)))
                sims = np.where(mask, sims, -np.inf)
            k = min(max(CANDIDATES, limit), len(sims))
            top = np.argpartition(-sims, k - 1)[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
            top = top[np.isfinite(sims[top])]
            ranked["semantic"] = [int(matrix.doc_ids[i]) for i in top]
            semantic_scores = {int(matrix.doc_ids[i]): float(sims[i]) for i in top}

    weights = {**WEIGHTS, **(weights or {})}
    fused: dict[int, float] = {}
    for channel, doc_ids in ranked.items():
        weight = weights[channel]
        for rank, doc_id in enumerate(doc_ids):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (RRF_K + rank + 1)
    best = sum(weights[c] for c in ranked) / (RRF_K + 1) or 1.0
    order = heapq.nsmallest(limit, fused, key=lambda d: (-fused[d], d))
    if not order:
        return []
    docs = dict(Document.objects.filter(doc_type=doc_type, doc_id__in=order).values_list("doc_id", "terms"))
    if profiles is None and query_concepts:
        profiles = _profiles_for(doc_type)
    # Translated once per search: gettext goes through a thread-local lookup on every call.
    skills_fmt, words_fmt = _("compétences : %s"), _("mots : %s")
    sense_fmt, sense_only = _("proximité de sens : %s"), _("proximité de sens")
    semantic_top = set(ranked.get("semantic", [])[:10])
    hits: list[Hit] = []
    for doc_id in order:
        doc_words = set(docs.get(doc_id, "").split())
        matched_words = [surfaces[w] for w in words if w in doc_words and w in surfaces]
        concepts = profiles.concepts.get(doc_id, frozenset()) if profiles else frozenset()
        matched = [gaz.concept_labels[c] for c in query_concepts if c in concepts]
        explanation: list[str] = []
        if matched:
            explanation.append(skills_fmt % ", ".join(matched))
        if matched_words:
            explanation.append(words_fmt % ", ".join(dict.fromkeys(w.lower() for w in matched_words)))
        if doc_id in semantic_scores and (not explanation or doc_id in semantic_top):
            explanation.append(sense_fmt % f"{semantic_scores[doc_id]:.2f}".replace(".", ","))
        if not explanation:
            explanation.append(sense_only)
        hits.append(
            Hit(
                doc_id=doc_id,
                score=round(fused[doc_id] / best, 4),
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
    "link_occupations",
    "pending_vectors",
    "remove_documents",
    "reset_caches",
    "search_documents",
    "skill_labels",
    "truncation_message",
]
