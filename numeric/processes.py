"""One generation of recursive distillation, for many chains at once.

The meta-teacher of generation ``t`` is ``r_t = T(fixed inputs; q_t, q_{t-1}, .., q_{t-k+1})``
(the anchor ``p`` or the teachers ``p1 .. pm`` are fixed; the students ``q, q1, .., q{k-1}`` are
the last ``k`` generations).  A process turns ``r_t`` into the next student:

* :class:`Exact`:       ``q_{t+1} = r_t``                                (``Pi_Q = id``);
* :class:`Projected`:   ``q_{t+1} = Pi_Q(r_t)``                          (F6, moment matching);
* :class:`Resampled`:   ``q_{t+1} = X / N``, ``X ~ Multinomial(N, r_t)`` (F7);
* :class:`Accumulated`: ``q_{s} = ((s - 1) q_{s-1} + X_s / N) / s``, ``X_s ~ Multinomial(N, r_{s-1})``,
  the empirical distribution of all ``s N`` samples drawn so far (C12; ``q_0`` holds no samples).

Every random step draws from the ``numpy.random.Generator`` it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from kdaxioms.symbolic.errors import InputError

from .projection import Projection
from .translate import NumericOperator

_STUDENT = re.compile(r"q(\d*)")


def student_lag(name: str) -> int | None:
    """The lag ``j`` of a student input (``q`` -> 0, ``q2`` -> 2), None for a fixed input."""
    match = _STUDENT.fullmatch(name)
    return None if match is None else int(match.group(1) or 0)


@dataclass(frozen=True)
class MetaTeacher:
    """``T`` with its fixed inputs and parameters bound; called on the history of students.

    ``slots[k]`` is ``("fixed", array)`` or ``("student", lag)`` for the operator's ``k``-th input."""

    operator: NumericOperator
    slots: tuple[tuple[str, Any], ...]
    parameters: tuple[float | np.ndarray, ...]

    @property
    def memory(self) -> int:
        """``k``: how many past students the meta-teacher reads."""
        return 1 + max(lag for kind, lag in self.slots if kind == "student")

    def __call__(self, history: tuple[np.ndarray, ...]) -> np.ndarray:
        """``r = T(...; q_t = history[0], q_{t-1} = history[1], ...)``, a fresh array."""
        return self.operator.evaluate([value if kind == "fixed" else history[value] for kind, value in self.slots],
                                      self.parameters)


def meta_teacher(op: NumericOperator, fixed: Mapping[str, np.ndarray],
                 parameters: Mapping[str, float | np.ndarray]) -> MetaTeacher:
    """Bind the fixed inputs (every input that is not a student ``q``, ``q1``, ...) and the parameters."""
    lags = {x: student_lag(x) for x in op.operator.inputs}
    students = sorted(lag for lag in lags.values() if lag is not None)
    if students != list(range(len(students))) or not students:
        raise InputError(f"operator {op.operator.name} needs students q, q1, .., q(k-1); its inputs are "
                         f"{list(op.operator.inputs)}")
    missing = [x for x, lag in lags.items() if lag is None and x not in fixed]
    unknown = sorted(set(fixed) - {x for x, lag in lags.items() if lag is None})
    if missing or unknown:
        raise InputError(f"operator {op.operator.name}: fixed inputs missing {missing}, unknown {unknown}")
    absent = [p.name for p in op.operator.parameters if p.name not in parameters]
    if absent:
        raise InputError(f"operator {op.operator.name}: no value for parameters {absent}")
    slots = tuple(("student", lag) if lag is not None else ("fixed", np.asarray(fixed[x], dtype=float))
                  for x, lag in lags.items())
    return MetaTeacher(op, slots, tuple(parameters[p.name] for p in op.operator.parameters))


def _needs(rng: np.random.Generator | None) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InputError("a sampling process needs a seeded numpy.random.Generator")
    return rng


def multinomial_frequencies(rng: np.random.Generator, size: int, r: np.ndarray) -> np.ndarray:
    """``X / N`` with ``X ~ Multinomial(N, r)`` independently for every row of ``r`` (rounding
    residue of ``r`` clipped and renormalized first)."""
    pvals = np.clip(r, 0.0, None)
    pvals /= pvals.sum(axis=-1, keepdims=True)
    return rng.multinomial(size, pvals) / size


@dataclass(frozen=True)
class Exact:
    """``q_{t+1} = T(history)``."""

    teacher: MetaTeacher
    random = False

    def next(self, history: tuple[np.ndarray, ...], carry: Any, rng: np.random.Generator | None,
             t: int) -> tuple[np.ndarray, Any]:
        return self.teacher(history), None


@dataclass(frozen=True)
class Projected:
    """``q_{t+1} = Pi_Q(T(history))``; the carry is Newton's warm start ``theta``."""

    teacher: MetaTeacher
    projection: Projection
    random = False

    def next(self, history, carry, rng, t):
        r = self.teacher(history)
        return self.projection(r.reshape(-1, r.shape[-1]), carry)


@dataclass(frozen=True)
class Resampled:
    """``q_{t+1} = X / N`` with ``X ~ Multinomial(N, T(history))``."""

    teacher: MetaTeacher
    size: int
    random = True

    def next(self, history, carry, rng, t):
        return multinomial_frequencies(_needs(rng), self.size, self.teacher(history)), None


@dataclass(frozen=True)
class Accumulated:
    """Generation ``s = t + 1`` pools ``N`` fresh draws from ``T(history)`` with the ``(s - 1) N``
    earlier ones: ``q_s = q_{s-1} + (X_s / N - q_{s-1}) / s``."""

    teacher: MetaTeacher
    size: int
    random = True

    def next(self, history, carry, rng, t):
        fresh = multinomial_frequencies(_needs(rng), self.size, self.teacher(history))
        previous = history[0]
        return previous + (fresh - previous) / (t + 1), None
