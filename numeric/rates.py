"""Measured convergence: geometric rates and per-step divergence ratios of trajectories.

A sequence ``m_t = max_{chains, i} |q_t - target|`` that decays like ``C rho^t`` (plus faster
terms) has ``log m_t`` asymptotically affine in ``t`` with slope ``log rho``.  The rate is the
least-squares slope over a window of the decaying part: from the generation where ``m_t`` has
fallen below ``1e-2 m_0`` or half-way through, whichever is later, to the last generation
with ``m_t`` above the floating-point floor ``1e-11 m_0``.  Terms with a smaller modulus
``|lambda_2|`` bias the estimate by a relative ``O((|lambda_2|/rho)^{t_0})``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Relative floor of ``m_t`` (rounding) and where the fitted window may begin.
FLOOR, START = 1e-11, 1e-2


@dataclass(frozen=True)
class Rate:
    """A fitted rate with the window it was fitted on (``None`` when there was no decay to fit)."""

    rate: float
    first: int
    last: int

    def to_json(self) -> dict:
        return {"rate": self.rate, "window": [self.first, self.last]}


def fit_rate(m: np.ndarray, floor: float = FLOOR) -> Rate:
    """``exp`` of the least-squares slope of ``log m_t`` over the decaying window (see module);
    ``floor`` replaces :data:`FLOOR` for processes with a larger error (an iterative projection)."""
    m = np.asarray(m, dtype=float)
    if m[0] <= 0:
        return Rate(0.0, 0, 0)
    above = np.flatnonzero(m > floor * m[0])
    last = int(above[-1])
    if last < 2:
        return Rate(0.0 if last == 0 or m[1] == 0 else float(m[1] / m[0]), 0, last)
    begun = np.flatnonzero(m <= START * m[0])
    first = min(max(last // 2, int(begun[0]) if begun.size else 0), last - 2)
    t = np.arange(first, last + 1)
    slope = np.polyfit(t, np.log(m[first:last + 1]), 1)[0]
    return Rate(float(np.exp(slope)), first, last)


def largest_ratio(series: np.ndarray, tiny: float = 1e-14) -> float:
    """``max_{t, c} D_{t+1,c} / D_{t,c}`` over the steps where ``D_{t,c} > tiny`` (``series`` is
    ``(steps + 1, chains)``); NaN when no step qualifies."""
    now, nxt = series[:-1], series[1:]
    ok = np.isfinite(now) & (now > tiny) & np.isfinite(nxt)
    return float((nxt[ok] / now[ok]).max()) if ok.any() else float("nan")
