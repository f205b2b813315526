"""Monte Carlo estimates with confidence intervals, from independent chains.

Chains are independent and identically distributed, so any per-chain statistic ``Y_c`` (a
value at a fixed generation, or a time average over a window of one chain) gives the interval

    mean(Y) ± z s / sqrt(C),   z = Phi^{-1}(1 - (1 - level) / (2 m)),

with ``s`` the sample standard deviation over the ``C`` chains: a normal-approximation interval
of level ``level`` for ``E[Y]``, simultaneous over ``m`` intervals by Bonferroni's inequality.
A time average over generations ``[b, T]`` of a chain started from a fixed point estimates the
stationary mean up to the burn-in bias, which the caller bounds; the autocorrelation inside a
chain needs no correction because the chains, not the generations, are the independent units.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from kdaxioms.symbolic.errors import InputError

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A mean over chains and its confidence interval ``[low, high]`` at ``level`` (``comparisons``
    intervals simultaneously)."""

    mean: float
    low: float
    high: float
    level: float
    comparisons: int
    chains: int

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def to_json(self) -> dict:
        return {"mean": self.mean, "ci": [self.low, self.high], "level": self.level,
                "simultaneous_intervals": self.comparisons, "chains": self.chains}

    def latex(self) -> str:
        return rf"{self.mean:.5g} \in [{self.low:.5g}, {self.high:.5g}]"


def quantile(level: float = LEVEL, comparisons: int = 1) -> float:
    """The two-sided normal quantile ``z`` of a ``level`` interval, Bonferroni over ``comparisons``."""
    if not 0 < level < 1 or comparisons < 1:
        raise InputError(f"confidence level {level} must lie in (0, 1) and comparisons {comparisons} be >= 1")
    return NormalDist().inv_cdf(1 - (1 - level) / (2 * comparisons))


def chain_mean(values: np.ndarray, level: float = LEVEL, comparisons: int = 1) -> Estimate:
    """The mean of one value per chain, with its normal interval (at least 2 chains)."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 2:
        raise InputError(f"an interval needs one value per chain from at least 2 chains, got shape {values.shape}")
    mean = float(values.mean())
    half = quantile(level, comparisons) * float(values.std(ddof=1)) / float(np.sqrt(values.size))
    return Estimate(mean, float(mean - half), float(mean + half), level, comparisons, int(values.size))


def window_average(series: np.ndarray, burn_in: int) -> np.ndarray:
    """Per-chain time average of ``series`` (``(steps + 1, chains)``) over generations ``burn_in .. steps``."""
    if not 0 <= burn_in < series.shape[0]:
        raise InputError(f"burn-in {burn_in} must be below the number of recorded generations {series.shape[0]}")
    return series[burn_in:].mean(axis=0)


def burn_in(contraction: float, bias: float = 1e-3) -> int:
    """Generations ``b`` with ``contraction^b <= bias``: a geometric transient shrunk to ``bias``."""
    if not 0 <= contraction < 1:
        raise InputError(f"a burn-in needs a contraction factor in [0, 1), got {contraction}")
    return 1 if contraction == 0 else max(1, int(np.ceil(np.log(bias) / np.log(contraction))))


def level_text(level: float) -> str:
    """A confidence level as people write it: ``0.95`` is ``95%``, ``0.999`` is ``99.9%`` (never rounded up to 100%)."""
    return f"{level * 100:.10g}%"
