"""The semantic channel's coarse pass on large matrices keeps the exact top results."""

from __future__ import annotations

import numpy as np

from filiere.matching.corpus import Matrix


def _vectors(n: int, dim: int = 384, rank: int = 40, seed: int = 1) -> np.ndarray:
    """Vectors shaped like sentence embeddings: most of the energy in a few directions."""
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, dim))
    vectors = rng.standard_normal((n, rank)) @ basis + 0.3 * rng.standard_normal((n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def _exact(vectors: np.ndarray, query: np.ndarray, k: int, usable: np.ndarray | None = None) -> set[int]:
    sims = vectors @ query
    if usable is not None:
        sims = np.where(usable, sims, -np.inf)
    return set(np.argsort(-sims)[:k].tolist())


def test_small_matrices_are_searched_exactly(settings):
    settings.MATCHING_EXACT_MAX_VECTORS = 5000
    vectors = _vectors(2000)
    matrix = Matrix(("t",), np.arange(2000, dtype=np.int64), vectors)
    matrix.reduce()
    assert matrix.reduced is None
    query = vectors[7]
    indexes, sims = matrix.top(query, 20)
    assert set(indexes.tolist()) == _exact(vectors, query, 20) and indexes[0] == 7
    assert np.all(np.diff(sims) <= 0)


def test_coarse_pass_keeps_the_exact_top_results(settings):
    settings.MATCHING_EXACT_MAX_VECTORS = 500
    vectors = _vectors(6000)
    matrix = Matrix(("t",), np.arange(6000, dtype=np.int64), vectors)
    matrix.reduce()
    assert matrix.reduced is not None and matrix.reduced.shape == (6000, 96)
    rng = np.random.default_rng(2)
    usable = rng.random(6000) < 0.5
    recalls = []
    for i in range(20):
        query = _vectors(1, seed=100 + i)[0]
        indexes, sims = matrix.top(query, 50)
        recalls.append(len(set(indexes.tolist()) & _exact(vectors, query, 50)) / 50)
        np.testing.assert_allclose(sims, vectors[indexes] @ query, rtol=1e-5)  # exact cosines
        kept, _ = matrix.top(query, 50, usable)
        assert usable[kept].all()
        recalls.append(len(set(kept.tolist()) & _exact(vectors, query, 50, usable)) / 50)
    assert np.mean(recalls) >= 0.95
