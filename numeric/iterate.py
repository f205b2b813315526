"""Direct iteration of recursive distillation for many chains at once.

``q_{t+1}`` is the next student of a process (:mod:`kdaxioms.numeric.processes`) applied to the
history ``(q_t, q_{t-1}, .., q_{t-k+1})``, padded with ``q_0`` before generation ``k - 1``
(``q_{-j} = q_0``).  Every chain is a row of one ``(chains, n)`` array: the only Python loop
is over generations.

:func:`run` returns the whole trajectory ``(steps + 1, chains, n)`` when it fits in ``max_bytes``
(or when asked), and always the final students and the per-generation statistics requested
(functions of ``q_t`` returning one number per chain, recorded as ``(steps + 1, chains)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from kdaxioms.symbolic.errors import InputError

from .processes import Exact, meta_teacher
from .translate import NumericOperator

#: Keep the trajectory by default when it needs at most this many bytes.
MAX_BYTES = 64 * 2**20
#: Largest deviation of a start from the simplex (negative entry or ``|sum - 1|``) accepted.
SIMPLEX_TOLERANCE = 1e-9

Statistic = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Run:
    """A finished iteration: ``path`` (or None), the final students and the recorded statistics."""

    path: np.ndarray | None
    final: np.ndarray
    series: Mapping[str, np.ndarray]
    steps: int


def check_simplex(x: np.ndarray, name: str) -> np.ndarray:
    """``x`` as a float array ``(..., n)``, ``n >= 2``, of distributions (else :class:`InputError`)."""
    x = np.asarray(x, dtype=float)
    if x.ndim < 1 or x.shape[-1] < 2:
        raise InputError(f"{name} must have a last axis of length n >= 2, got shape {x.shape}")
    if not np.all(np.isfinite(x)) or (x < -SIMPLEX_TOLERANCE).any():
        raise InputError(f"{name} has a negative or non-finite entry")
    if np.abs(x.sum(axis=-1) - 1).max() > SIMPLEX_TOLERANCE:
        raise InputError(f"{name} does not sum to 1 (largest deviation {np.abs(x.sum(axis=-1) - 1).max():.2e}); normalize it")
    return x


def _keep(keep: bool | None, steps: int, start: np.ndarray, max_bytes: int) -> bool:
    return (steps + 1) * start.size * 8 <= max_bytes if keep is None else keep


def run(process, start: np.ndarray, steps: int, rng: np.random.Generator | None = None,
        statistics: Mapping[str, Statistic] | None = None, keep: bool | None = None,
        max_bytes: int = MAX_BYTES, progress: Callable[[int], None] | None = None) -> Run:
    """Iterate ``process`` from ``start`` (``(chains, n)``) for ``steps`` generations.

    ``rng`` is required by random processes; ``progress(t)`` is called after generation ``t``."""
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise InputError(f"steps={steps!r} must be an integer >= 1")
    start = check_simplex(start, "the start q0")
    if start.ndim != 2:
        raise InputError(f"the start q0 must have shape (chains, n), got {start.shape}")
    statistics = dict(statistics or {})
    history = (start,) * process.teacher.memory
    path = np.empty((steps + 1,) + start.shape) if _keep(keep, steps, start, max_bytes) else None
    series = {name: np.empty((steps + 1, start.shape[0])) for name in statistics}
    _record(path, series, statistics, 0, start)
    carry = None
    for t in range(steps):
        with np.errstate(all="ignore"):  # a non-finite value is reported below, as one error
            q, carry = process.next(history, carry, rng, t)
        _finite(q, history[0], t)
        history = (q,) + history[:-1]
        _record(path, series, statistics, t + 1, q)
        if progress is not None:
            progress(t + 1)
    return Run(path, history[0], series, steps)


def _finite(q: np.ndarray, previous: np.ndarray, t: int) -> None:
    """Every coordinate of generation ``t + 1`` is a finite number, or an :class:`InputError` that
    names the chain and the point it came from (the operator is undefined or overflows there).
    On this hot path one sum decides (finite entries of a distribution have a finite sum; any nan
    or infinity makes it non-finite), a quarter of the cost of ``isfinite(q).all()``; the entries
    are looked at only when it is not finite."""
    if np.isfinite(q.sum()):
        return
    bad = np.flatnonzero(~np.isfinite(q).all(axis=-1))
    if bad.size == 0:  # every entry finite, only their sum overflowed
        return
    chain = int(bad[0])
    point = ", ".join(f"{x:.6g}" for x in previous[chain][:6]) + (", ..." if previous.shape[-1] > 6 else "")
    raise InputError(f"the operator is not finite at generation {t + 1} of chain {chain} (from q = ({point})): "
                     "it is undefined or overflows there, e.g. a division by zero at the boundary; "
                     "audit it with 'kdaxioms audit FILE --axiom closure'")


def _record(path, series, statistics, t: int, q: np.ndarray) -> None:
    if path is not None:
        path[t] = q
    for name, f in statistics.items():
        series[name][t] = f(q)


def iterate(op: NumericOperator, anchor: np.ndarray, start: np.ndarray,
            parameters: Mapping[str, float | np.ndarray], steps: int) -> np.ndarray:
    """The trajectory of ``q_{t+1} = T(p, q_t)``, shape ``(steps + 1, chains, n)``; row ``t`` is ``q_t``."""
    teacher = meta_teacher(op, {"p": anchor}, parameters)
    return run(Exact(teacher), start, steps, keep=True).path
