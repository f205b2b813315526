"""The result every engine returns for one obligation, before the proofs layer times it.

``verdict`` is ``proved``, ``refuted`` or ``unknown`` for an engine that can decide, and
``agrees`` or ``disagrees`` for an engine that only cross-checks (numeric).  ``steps`` are the
computed proof steps or the measured facts, in LaTeX-ready text; ``witness`` is an exact point
for ``refuted``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .points import Point

PROVED, REFUTED, UNKNOWN = "proved", "refuted", "unknown"
AGREES, DISAGREES = "agrees", "disagrees"
VERDICTS = (PROVED, REFUTED, UNKNOWN, AGREES, DISAGREES)


@dataclass(frozen=True)
class Outcome:
    verdict: str
    scope: str | None = None
    steps: tuple[str, ...] = ()
    witness: Point | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        if self.verdict == REFUTED and self.witness is None:
            raise ValueError("a refutation needs a witness")


def unknown(reason: str, *steps: str, **data: Any) -> Outcome:
    """An undecided outcome with its reason."""
    return Outcome(UNKNOWN, steps=steps, reason=reason, data=data)
