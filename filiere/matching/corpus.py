"""In-process arrays of one doc_type's index: word postings, skill postings and vectors.

Search reads these, not the database, so its cost does not grow with the number of matches:
every channel is a few numpy operations over contiguous arrays (100,000 documents: a few ms).

- `Corpus`: documents sorted by doc_id (row = position); BM25 postings of their folded, stemmed
  words in CSR form (term → rows, per-row BM25 term weight), skill-concept postings, each row's
  concepts (explanations), and a character-trigram index of the words (typo channel).
- `Matrix`: the float32 vectors of the current embedder, one contiguous block, with their rows;
  past MATCHING_EXACT_MAX_VECTORS also a 96-dimension projection for a coarse first pass
  whose candidates are re-ranked by exact cosine.

Both are cached per process and rebuilt when the doc_type's version token in `IndexState`
changes (written in the same transaction as the documents or vectors, so a rolled-back write
leaves a token nobody cached). A process checks the token at most every CACHE_CHECK_SECONDS;
its own writes invalidate at once.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from filiere.matching.embeddings import Embedder
from filiere.matching.gazetteer import get_gazetteer
from filiere.matching.models import Document, DocumentVector, IndexState

# BM25 parameters (the usual defaults, as SQLite FTS5 and Lucene use).
K1 = 1.2
B = 0.75
# How long a search trusts the in-process caches without asking the database whether the index
# changed: another process's write shows in results at most this late.
CACHE_CHECK_SECONDS = 2.0
# Typo channel: a query word unknown to the corpus is replaced by corpus words at least this
# similar (character-trigram Jaccard), at most MAX_VARIANTS of them.
MIN_TRIGRAM_SIMILARITY = 0.45
MAX_VARIANTS = 3
MIN_FUZZY_CHARS = 4
# Semantic channel: exact cosines up to this many vectors (setting MATCHING_EXACT_MAX_VECTORS);
# past it, a coarse pass on REDUCED_DIM dimensions then exact cosines of RERANK_FACTOR × k.
EXACT_MAX_VECTORS = 20_000
REDUCED_DIM = 96
RERANK_FACTOR = 10


def exact_max_vectors() -> int:
    """How many vectors the semantic channel compares exactly before using the coarse pass."""
    return int(getattr(settings, "MATCHING_EXACT_MAX_VECTORS", EXACT_MAX_VECTORS))


def trigrams(word: str) -> set[str]:
    """Character trigrams of a word, padded so the start and the end count."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class Corpus:
    """One doc_type's documents as arrays (see the module docstring)."""

    key: tuple
    doc_ids: np.ndarray  # int64, ascending; row = position
    term_index: dict[str, int]
    indptr: np.ndarray  # int64, len(terms) + 1
    post_rows: np.ndarray  # int32
    post_weights: np.ndarray  # float32, BM25 term-frequency part
    df: np.ndarray  # int32 per term
    concept_rows: dict[int, np.ndarray]  # concept → int32 rows
    row_concepts: list[frozenset[int]]
    _trigram_index: dict[str, list[int]] | None = field(default=None, repr=False)
    _terms: list[str] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.doc_ids)

    def rows_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """Rows of the given doc_ids that are in the corpus (others dropped)."""
        if not self.size or not len(doc_ids):
            return np.zeros(0, np.int64)
        rows = np.minimum(np.searchsorted(self.doc_ids, doc_ids), self.size - 1)
        return rows[self.doc_ids[rows] == doc_ids]

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray, float] | None:
        """(rows, BM25 weights, idf) of a word, or None if no document has it."""
        index = self.term_index.get(term)
        if index is None:
            return None
        start, end = self.indptr[index], self.indptr[index + 1]
        df = int(self.df[index])
        idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
        return self.post_rows[start:end], self.post_weights[start:end], idf

    def has_term(self, term: str, rows: np.ndarray) -> np.ndarray:
        """For each row, whether its document contains ``term``."""
        found = self.postings(term)
        if found is None:
            return np.zeros(len(rows), bool)
        posting = found[0]
        at = np.searchsorted(posting, rows)
        at = np.minimum(at, len(posting) - 1)
        return posting[at] == rows

    def variants(self, term: str) -> list[tuple[str, float]]:
        """Corpus words most like an unknown word by character trigrams, with their similarity."""
        if len(term) < MIN_FUZZY_CHARS or not term.isalpha():
            return []
        if self._trigram_index is None:
            self._build_trigram_index()
        assert self._trigram_index is not None and self._terms is not None
        grams = trigrams(term)
        shared: dict[int, int] = {}
        for gram in grams:
            for index in self._trigram_index.get(gram, ()):
                shared[index] = shared.get(index, 0) + 1
        scored: list[tuple[float, str]] = []
        for index, count in shared.items():
            candidate = self._terms[index]
            if abs(len(candidate) - len(term)) > 3:
                continue
            similarity = count / (len(grams) + len(trigrams(candidate)) - count)
            if similarity >= MIN_TRIGRAM_SIMILARITY:
                scored.append((similarity, candidate))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [(word, round(similarity, 3)) for similarity, word in scored[:MAX_VARIANTS]]

    def _build_trigram_index(self) -> None:
        terms = [""] * len(self.term_index)
        for term, index in self.term_index.items():
            terms[index] = term
        grams: dict[str, list[int]] = {}
        for index, term in enumerate(terms):
            if len(term) < MIN_FUZZY_CHARS or not term.isalpha():
                continue  # numbers and codes: a near miss there is another thing, not a typo
            for gram in trigrams(term):
                grams.setdefault(gram, []).append(index)
        self._terms, self._trigram_index = terms, grams


@dataclass
class Matrix:
    """The vectors of one doc_type for one embedder, rows in corpus order when paired."""

    key: tuple
    doc_ids: np.ndarray  # int64
    vectors: np.ndarray  # float32, C-contiguous
    basis: np.ndarray | None = None  # dim × REDUCED_DIM, when the matrix is large
    reduced: np.ndarray | None = None  # vectors @ basis
    _rows_for: tuple[tuple, np.ndarray] | None = field(default=None, repr=False)

    def reduce(self) -> None:
        """Project the vectors on their REDUCED_DIM main directions (from a sample) for a coarse pass."""
        n, dim = self.vectors.shape
        if n <= exact_max_vectors() or dim <= REDUCED_DIM:
            return
        sample = self.vectors[np.random.default_rng(0).choice(n, min(n, 8192), replace=False)]
        # Main directions = top eigenvectors of the sample's (uncentred) second-moment matrix:
        # an SVD of the sample gives the same but took seconds on a busy machine.
        _, eigenvectors = np.linalg.eigh((sample.T @ sample).astype(np.float64))
        self.basis = np.ascontiguousarray(eigenvectors[:, ::-1][:, :REDUCED_DIM], dtype=np.float32)
        self.reduced = np.ascontiguousarray(self.vectors @ self.basis)

    def top(
        self, query: np.ndarray, k: int, usable: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(vector indexes, cosines) of the k vectors closest to ``query``, best first.

        ``usable`` (a mask over the vectors) restricts the search. Up to `exact_max_vectors`
        candidates every cosine is computed; past it, a pass over the reduced vectors picks
        RERANK_FACTOR × k candidates whose exact cosines give the result (reading 4 times less
        memory, which is what a matrix-vector product at this size waits on).
        """
        chosen = np.flatnonzero(usable) if usable is not None and not usable.all() else None
        count = len(self.doc_ids) if chosen is None else len(chosen)
        if not count or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(k, count)
        if self.reduced is None or count <= exact_max_vectors():
            pool = chosen
            if chosen is None:
                sims = self.vectors @ query
            elif count * 4 < len(self.doc_ids):  # a gather of few rows beats the full product
                sims = self.vectors[chosen] @ query
            else:
                sims = (self.vectors @ query)[chosen]
        else:
            assert self.basis is not None
            coarse = self.reduced @ (query @ self.basis)
            if chosen is not None:
                coarse = coarse[chosen]
            depth = min(count, k * RERANK_FACTOR)
            picked = np.argpartition(-coarse, depth - 1)[:depth]
            pool = picked if chosen is None else chosen[picked]
            sims = self.vectors[pool] @ query
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]
        indexes = top if pool is None else pool[top]
        return indexes.astype(np.int64), sims[top]

    def corpus_rows(self, corpus: Corpus) -> np.ndarray:
        """The corpus row of each vector (-1 when its document is not in that corpus)."""
        if self._rows_for is not None and self._rows_for[0] == corpus.key:
            return self._rows_for[1]
        rows = np.full(len(self.doc_ids), -1, np.int64)
        if corpus.size and len(self.doc_ids):
            at = np.minimum(np.searchsorted(corpus.doc_ids, self.doc_ids), corpus.size - 1)
            found = corpus.doc_ids[at] == self.doc_ids
            rows[found] = at[found]
        self._rows_for = (corpus.key, rows)
        return rows


_lock = threading.Lock()
_corpora: dict[str, Corpus] = {}
_matrices: dict[tuple[str, str, str], Matrix] = {}
_checked: dict[tuple, float] = {}


def _fresh(cache_key: tuple) -> bool:
    return time.monotonic() - _checked.get(cache_key, -1e9) < CACHE_CHECK_SECONDS


def invalidate(doc_type: str | None) -> None:
    """Make this process re-check its caches of ``doc_type`` (all types if None) on the next search."""
    for key in list(_checked):
        if doc_type is None or key[1] == doc_type:
            _checked.pop(key, None)


def reset() -> None:
    """Forget every cached corpus and matrix (tests)."""
    with _lock:
        _corpora.clear()
        _matrices.clear()
        _checked.clear()


def touch(doc_types: list[str] | str, *, documents: bool = True, vectors: bool = False) -> None:
    """Give the doc_types new version tokens, in the current transaction, and invalidate locally."""
    for doc_type in [doc_types] if isinstance(doc_types, str) else dict.fromkeys(doc_types):
        token = uuid.uuid4().hex
        values = {}
        if documents:
            values["docs_version"] = token
        if vectors:
            values["vectors_version"] = token
        if not IndexState.objects.filter(doc_type=doc_type).update(**values):
            with transaction.atomic():  # savepoint: a concurrent creator wins, we update after
                _, created = IndexState.objects.get_or_create(
                    doc_type=doc_type, defaults={"docs_version": token, "vectors_version": token}
                )
            if not created:
                IndexState.objects.filter(doc_type=doc_type).update(**values)
        invalidate(doc_type)


def state(doc_type: str) -> tuple[str, str] | None:
    """(docs_version, vectors_version) of a doc_type, or None."""
    return IndexState.objects.filter(doc_type=doc_type).values_list("docs_version", "vectors_version").first()


def get_corpus(doc_type: str) -> Corpus:
    """The cached corpus of ``doc_type``, rebuilt when its version token changed."""
    cached = _corpora.get(doc_type)
    if cached is not None and _fresh(("corpus", doc_type)):
        return cached
    gaz = get_gazetteer()
    tokens = state(doc_type)
    if tokens is not None:
        key: tuple = ("v", tokens[0], gaz.signature)
    else:  # rows written without a service call (a bulk loader): fall back to a content fingerprint
        stats = Document.objects.filter(doc_type=doc_type).aggregate(n=Count("id"), last=Max("updated_at"))
        key = ("n", stats["n"], stats["last"], gaz.signature)
    _checked[("corpus", doc_type)] = time.monotonic()
    if cached is not None and cached.key == key:
        return cached
    corpus = build_corpus(doc_type, key)
    with _lock:
        _corpora[doc_type] = corpus
    return corpus


def build_corpus(doc_type: str, key: tuple = ()) -> Corpus:
    """Read every document of ``doc_type`` and build its arrays (about 2 s per 100,000 documents)."""
    gaz = get_gazetteer()
    term_index: dict[str, int] = {}
    flat: list[int] = []
    lengths: list[int] = []
    doc_ids: list[int] = []
    row_concepts: list[frozenset[int]] = []
    concept_lists: dict[int, list[int]] = {}
    skill_concept = gaz.skill_concept
    rows = (
        Document.objects.filter(doc_type=doc_type)
        .order_by("doc_id")
        .values_list("doc_id", "terms", "skill_ids")
    )
    for row, (doc_id, terms, skill_ids) in enumerate(rows.iterator(chunk_size=5000)):
        words = terms.split()
        flat.extend([term_index.setdefault(w, len(term_index)) for w in words])
        lengths.append(len(words))
        doc_ids.append(doc_id)
        concepts = frozenset(c for s in skill_ids or () if (c := skill_concept.get(s)) is not None)
        row_concepts.append(concepts)
        for concept in concepts:
            concept_lists.setdefault(concept, []).append(row)
    n = len(doc_ids)
    n_terms = len(term_index)
    if flat:
        term_of = np.asarray(flat, dtype=np.int64)
        row_of = np.repeat(np.arange(n, dtype=np.int64), np.asarray(lengths, dtype=np.int64))
        pairs, tf = np.unique(term_of * max(n, 1) + row_of, return_counts=True)
        post_terms, post_rows = np.divmod(pairs, max(n, 1))
        length = np.asarray(lengths, dtype=np.float32)
        average = float(length.mean()) or 1.0
        tf = tf.astype(np.float32)
        norm = K1 * (1.0 - B + B * length[post_rows] / average)
        weights = (tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)
        df = np.bincount(post_terms, minlength=n_terms).astype(np.int32)
    else:
        post_rows, weights, df = np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(n_terms, np.int32)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return Corpus(
        key=key,
        doc_ids=np.asarray(doc_ids, dtype=np.int64),
        term_index=term_index,
        indptr=indptr,
        post_rows=post_rows.astype(np.int32),
        post_weights=weights,
        df=df,
        concept_rows={c: np.asarray(r, dtype=np.int32) for c, r in concept_lists.items()},
        row_concepts=row_concepts,
    )


def get_matrix(doc_type: str, embedder: Embedder) -> Matrix:
    """The cached vectors of ``doc_type`` for ``embedder``, reloaded when its version token changed."""
    cache_key = (doc_type, embedder.name, embedder.version)
    cached = _matrices.get(cache_key)
    if cached is not None and _fresh(("matrix", *cache_key)):
        return cached
    tokens = state(doc_type)
    if tokens is not None:
        key: tuple = ("v", tokens[1])
    else:
        stats = DocumentVector.objects.filter(
            document__doc_type=doc_type, model_name=embedder.name, model_version=embedder.version
        ).aggregate(n=Count("id"), last=Max("id"))
        key = ("n", stats["n"], stats["last"])
    _checked[("matrix", *cache_key)] = time.monotonic()
    if cached is not None and cached.key == key:
        return cached
    vectors = DocumentVector.objects.filter(
        document__doc_type=doc_type, model_name=embedder.name, model_version=embedder.version
    ).order_by("document__doc_id")
    ids: list[int] = []
    chunks: list[bytes] = []
    for doc_id, vector in vectors.values_list("document__doc_id", "vector").iterator(chunk_size=5000):
        ids.append(doc_id)
        chunks.append(bytes(vector))
    if ids:
        matrix = np.frombuffer(b"".join(chunks), dtype=np.float32).reshape(len(ids), -1).copy()
    else:
        matrix = np.zeros((0, embedder.dim), np.float32)
    result = Matrix(key, np.asarray(ids, dtype=np.int64), np.ascontiguousarray(matrix))
    result.reduce()
    with _lock:
        _matrices[cache_key] = result
    return result
