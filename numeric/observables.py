"""Per-generation observables: functions of the students ``q_t`` (``(chains, n)``) with one value per chain.

* ``kl``, ``tv``, ``chi2``: ``D(q_t || target)`` from the numpy translation of the divergences;
* ``l2``: ``||q_t - p||^2``; ``heterozygosity``: ``1 - ||q_t||^2``;
* ``island``: ``||r_t - p||^2 / (1 - ||p||^2)`` with ``r_t = T(q_t)`` the meta-teacher, whose
  stationary mean is the island-model ``F*`` (``F* = Var(r_i) / (p_i (1 - p_i))`` for every ``i``
  and ``E[r] = p``, so ``sum_i`` of numerators over ``sum_i`` of denominators is ``F*``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from kdaxioms.symbolic.divergences import divergence

from .experiment import Experiment
from .translate import numeric_divergence

Observable = Callable[[np.ndarray], np.ndarray]


def divergences_to(target: np.ndarray, names: tuple[str, ...] = ("kl", "tv", "chi2")) -> dict[str, Observable]:
    """``q -> D(q || target)`` for each named divergence."""
    out = {}
    for name in names:
        d = numeric_divergence(divergence(name))
        out[name] = lambda q, d=d: d(q, target)
    return out


def sampled_statistics(ex: Experiment) -> dict[str, Observable]:
    """The observables of a sampling process anchored (or not) at ``p``."""
    p = ex.anchor()
    teacher = ex.teacher()
    chi2 = numeric_divergence(divergence("chi2"))
    spread = 1 - np.sum(p * p, axis=-1)
    return {
        "l2": lambda q: np.sum((q - p) ** 2, axis=-1),
        "chi2": lambda q: chi2(q, p),
        "island": lambda q: np.sum((teacher((q,)) - p) ** 2, axis=-1) / spread,
        "heterozygosity": lambda q: 1 - np.sum(q * q, axis=-1),
    }
