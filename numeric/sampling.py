"""Seeded random points of the simplex, vectorized over chains.

Every function takes a ``numpy.random.Generator``; nothing draws from global state.
"""

from __future__ import annotations

import numpy as np


def interior(rng: np.random.Generator, chains: int, n: int) -> np.ndarray:
    """Uniform points of the open simplex (flat Dirichlet), shape ``(chains, n)``."""
    return rng.dirichlet(np.ones(n), size=chains)


def boundary(rng: np.random.Generator, chains: int, n: int) -> np.ndarray:
    """Points with at least one zero entry: a random face of the simplex, uniform on it.

    Each row keeps ``k`` coordinates, ``1 <= k <= n - 1`` (``k = 1``: a vertex)."""
    x = interior(rng, chains, n)
    keep = rng.integers(1, n, size=chains)
    ranks = np.argsort(rng.random((chains, n)), axis=1).argsort(axis=1)
    x = np.where(ranks < keep[:, None], x, 0.0)
    return x / x.sum(axis=1, keepdims=True)


def starts(rng: np.random.Generator, chains: int, n: int, boundary_share: float = 0.3) -> np.ndarray:
    """Interior and boundary starts mixed, ``round(boundary_share * chains)`` on the boundary."""
    nb = int(round(boundary_share * chains))
    return np.concatenate([interior(rng, chains - nb, n), boundary(rng, nb, n)])
