"""Direct iteration ``q_{t+1} = T(p, q_t)`` for many chains at once."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from .translate import NumericOperator


def iterate(op: NumericOperator, anchor: np.ndarray, start: np.ndarray,
            parameters: Mapping[str, float | np.ndarray], steps: int) -> np.ndarray:
    """The trajectory, shape ``(steps + 1, chains, n)``; row ``t`` is ``q_t`` for every chain."""
    out = np.empty((steps + 1,) + start.shape)
    out[0] = start
    for t in range(steps):
        out[t + 1] = op({"p": anchor, "q": out[t]}, parameters)
    return out
