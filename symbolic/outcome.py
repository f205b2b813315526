"""The result every engine returns for one obligation, before the proofs layer times it.

``verdict`` is a :class:`~kdaxioms.symbolic.verdict.Verdict` (``proved``, ``refuted``,
``unknown``) for an engine that can decide, and a :class:`~kdaxioms.symbolic.verdict.Check`
(``agrees``, ``disagrees``) for an engine that only cross-checks (numeric).  ``steps`` are the
computed proof steps or the measured facts, in LaTeX-ready text; ``witness`` is an exact point
for ``refuted``.  ``scope`` names the support sizes (``all-n``, ``n<=N``, ``n=N``);
``parameters`` the parameter values covered (None: the full domain) and ``conditions`` the side
conditions of the verdict (see :class:`~kdaxioms.symbolic.verdict.Scope`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .evidence import Evidence
from .points import Point
from .verdict import Check, Scope, Verdict

PROVED, REFUTED, UNKNOWN, DISAGREEMENT = Verdict.PROVED, Verdict.REFUTED, Verdict.UNKNOWN, Verdict.DISAGREEMENT
AGREES, DISAGREES = Check.AGREES, Check.DISAGREES
VERDICTS = (PROVED, REFUTED, UNKNOWN, AGREES, DISAGREES)
_BY_VALUE = {v.value: v for v in VERDICTS}


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict | Check
    scope: str | None = None
    steps: tuple[str, ...] = ()
    witness: Point | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, tuple[str, ...]] | None = None
    conditions: tuple[str, ...] = ()
    #: The decisive evidence behind the verdict, as plain data (:mod:`.evidence`).
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        verdict = _BY_VALUE.get(self.verdict if isinstance(self.verdict, str) else None)
        if verdict is None:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        object.__setattr__(self, "verdict", verdict)
        if self.verdict == REFUTED and self.witness is None:
            raise ValueError("a refutation needs a witness")
        object.__setattr__(self, "conditions", tuple(self.conditions))
        object.__setattr__(self, "evidence", tuple(self.evidence))
        if self.parameters is not None:
            object.__setattr__(self, "parameters", {k: tuple(map(str, v)) for k, v in self.parameters.items()})

    @property
    def full_scope(self) -> Scope:
        """Sizes, parameters and conditions as one :class:`Scope`."""
        return Scope(self.scope, self.parameters, self.conditions)


def unknown(reason: str, *steps: str, **data: Any) -> Outcome:
    """An undecided outcome with its reason."""
    return Outcome(UNKNOWN, steps=steps, reason=reason, data=data)
