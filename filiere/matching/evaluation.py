"""Evaluation harness: rank any corpus with the production engine on a throw-away index.

`rank_corpus` indexes the items in the real tables inside a transaction that is rolled back at
the end, so nothing stays behind; passage embeddings are cached on disk by text (the costly part),
so a second run of the same corpus only embeds the queries.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction

from filiere.matching.embeddings import Embedder, Kind, get_embedder, set_embedder
from filiere.matching.gazetteer import matching_cache_dir

HYBRID = ("lexical", "typos", "skills", "semantic")
LEXICAL = ("lexical",)


class CachedEmbedder:
    """Wraps an embedder with a disk cache of vectors keyed by kind and text (same name and version)."""

    def __init__(self, inner: Embedder, path: Path | None = None) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.path = (
            path
            or matching_cache_dir()
            / f"passages-{hashlib.sha1(f'{inner.name}|{inner.version}'.encode()).hexdigest()[:12]}.pickle"
        )
        self._cache: dict[str, bytes] = {}
        if self.path.is_file():
            try:
                self._cache = pickle.loads(self.path.read_bytes())
            except Exception:  # a corrupt cache is only a slower run
                self._cache = {}
        self.embedded = 0

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        """Cached by (kind, text)."""
        keys = [
            hashlib.sha1(f"{kind}|{t}".encode()).hexdigest()
            if kind == "query"
            else hashlib.sha1(t.encode()).hexdigest()
            for t in texts
        ]
        missing = [i for i, k in enumerate(keys) if k not in self._cache]
        if missing:
            vectors = self.inner.embed([texts[i] for i in missing], kind=kind)
            for row, i in enumerate(missing):
                self._cache[keys[i]] = vectors[row].astype(np.float32).tobytes()
            self.embedded += len(missing)
        return (
            np.vstack([np.frombuffer(self._cache[k], dtype=np.float32) for k in keys])
            if keys
            else np.zeros((0, self.dim), np.float32)
        )

    def save(self) -> None:
        """Write the cache file (atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self._cache, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(self.path)


class _Rollback(Exception):
    pass


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rank_corpus(
    items: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    *,
    top: int = 10,
    channel_sets: dict[str, Collection[str]] | None = None,
    weights: dict[str, dict[str, float]] | None = None,
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Index ``items`` temporarily and rank each query's ``target_type`` items, per channel set.

    Returns {"rankings": {set_name: {query_id: [item ids]}}, "seconds": {...}}. Item ids may be
    strings or numbers; they are returned as given.
    """
    from filiere.matching import services

    channel_sets = channel_sets or {"hybrid": HYBRID}
    needs_vectors = any("semantic" in c for c in channel_sets.values())
    base = embedder or get_embedder()
    cached = CachedEmbedder(base) if needs_vectors and not isinstance(base, CachedEmbedder) else base
    previous = set_embedder(cached)
    services.reset_caches()
    ids: dict[int, Any] = {}
    by_type: dict[str, list[tuple[int, str]]] = {}
    for number, item in enumerate(items, start=1):
        ids[number] = item["id"]
        by_type.setdefault(str(item.get("type", "item")), []).append((number, str(item.get("text", ""))))
    seconds: dict[str, float] = {}
    result: dict[str, Any] = {"rankings": {name: {} for name in channel_sets}, "seconds": seconds}
    try:
        with transaction.atomic():
            started = time.monotonic()
            for doc_type, docs in by_type.items():
                services.index_documents(f"eval:{doc_type}", docs)
            seconds["index"] = round(time.monotonic() - started, 2)
            if needs_vectors:
                started = time.monotonic()
                services.compute_pending_vectors(embedder=cached)
                seconds["vectors"] = round(time.monotonic() - started, 2)
            for name, channels in channel_sets.items():
                started = time.monotonic()
                for query in queries:
                    try:
                        hits = services.search_documents(
                            str(query.get("text", "")),
                            doc_type=f"eval:{query.get('target_type', 'item')}",
                            limit=top,
                            channels=channels,
                            weights=(weights or {}).get(name),
                        )
                    except services.UserTextError:
                        hits = []
                    result["rankings"][name][query["id"]] = [ids[h.doc_id] for h in hits]
                seconds[name] = round(time.monotonic() - started, 2)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        set_embedder(previous)
        services.reset_caches()
        if isinstance(cached, CachedEmbedder) and cached.embedded:
            cached.save()
    return result
