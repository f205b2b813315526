"""Time budgets: a :class:`Deadline` bounds a whole piece of work (an axiom, a claim).

A deadline is a plain value, created where the work starts and passed explicitly to every
engine that works on it (no global state): the SMT routes cap each query's timeout at the
time left (:meth:`Deadline.cap_ms`) and skip the queries, grid points and support sizes that
no longer fit; the searches and interval covers stop between rounds or cells.  Work that is
stopped this way is ``unknown`` with :meth:`Deadline.reason`, never proved or refuted, and
what was decided before it is kept.

``Deadline.unbounded()`` never expires: it is the default, so a caller without a budget
behaves as before.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from .errors import InputError


def positive_seconds(value: object, what: str) -> float:
    """``value`` as a finite positive number of seconds, else :class:`InputError` naming ``what``."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number of seconds, not {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError(f"{what} must be a finite positive number of seconds, not {value!r}")
    return seconds


@dataclass(frozen=True)
class Deadline:
    """The end of a time budget of ``seconds`` (``None``: no budget) started at ``start``.

    ``clock`` is the monotonic clock the deadline reads (injectable, for tests)."""

    seconds: float | None
    start: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    @classmethod
    def after(cls, seconds: float | None, clock: Callable[[], float] = time.monotonic) -> "Deadline":
        """A deadline ``seconds`` from now (validated: finite and positive), or unbounded for ``None``."""
        if seconds is None:
            return cls.unbounded()
        return cls(positive_seconds(seconds, "a time budget"), clock(), clock)

    @classmethod
    def unbounded(cls) -> "Deadline":
        """A deadline that never expires."""
        return cls(None, 0.0)

    @property
    def bounded(self) -> bool:
        return self.seconds is not None

    def elapsed(self) -> float:
        """Seconds since the budget started (0 for an unbounded deadline)."""
        return self.clock() - self.start if self.bounded else 0.0

    def remaining(self) -> float:
        """Seconds left (``inf`` without a budget; never negative)."""
        if self.seconds is None:
            return math.inf
        return max(0.0, self.seconds - self.elapsed())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def cap_ms(self, timeout_ms: int) -> int:
        """A per-query timeout in milliseconds capped at the time left (0 when it has run out)."""
        left = self.remaining()
        if math.isinf(left):
            return timeout_ms
        return max(0, min(timeout_ms, int(left * 1000)))

    def cap_seconds(self, seconds: float) -> float:
        """A time cap in seconds (a search's) capped at the time left."""
        return max(0.0, min(seconds, self.remaining()))

    @property
    def label(self) -> str:
        """``budget of 30 s`` (or ``no budget``)."""
        return f"budget of {self.seconds:g} s" if self.seconds is not None else "no budget"

    def reason(self, progress: str = "") -> str:
        """Why work stopped: ``budget of 30 s exhausted after <progress>``."""
        text = f"{self.label} exhausted"
        return f"{text} after {progress}" if progress else text
