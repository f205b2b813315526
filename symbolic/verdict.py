"""The verdict kernel: what a claim's routes may conclude, and how their outcomes combine.

A verdict is never stronger than its evidence (THEORY.md section 5):

* ``proved`` needs a *prover* (a symbolic proof, an SMT ``unsat`` on an exact encoding, a
  certified interval cover) that proved; the claim's scope is the strongest proof's scope;
* ``refuted`` needs a prover that refuted with a witness replayed in exact arithmetic;
* ``disagreement`` is what contradicting evidence gives: a proof beside a refutation, a
  cross-check that contradicts a proof, a cross-check that contradicts the statement while no
  route decides, or a route that itself detected a contradiction.  It is loud (exit 1) and never
  averaged away or turned into ``unknown``;
* ``unknown`` otherwise, with the reasons of the routes that did not decide.

A cross-check (numeric iteration, sampling) can only *agree* or *disagree* with the statement:
it never proves or refutes, and :class:`RouteResult` refuses an outcome that says otherwise.

A :class:`Scope` says exactly what a verdict covers: the support sizes (``all-n``, ``n<=N``,
``n=N``), the parameters (the full domain, or the values of a grid per parameter) and side
conditions (readable strings, e.g. "teachers share a support point").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .outcome import Outcome
    from .points import Point


class Verdict(str, enum.Enum):
    """A claim's (or a prover's) verdict.  A ``str`` so that it prints and serializes as its value."""

    PROVED = "proved"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    DISAGREEMENT = "disagreement"

    def __str__(self) -> str:
        return self.value


class Check(str, enum.Enum):
    """What a cross-check can say about the statement: it agrees or it disagrees."""

    AGREES = "agrees"
    DISAGREES = "disagrees"

    def __str__(self) -> str:
        return self.value


#: The two roles of a route: a prover may prove or refute; a cross-check may only agree or disagree.
PROVER, CROSS_CHECK = "prover", "cross-check"
_ALLOWED = {PROVER: {Verdict.PROVED, Verdict.REFUTED, Verdict.UNKNOWN},
            CROSS_CHECK: {Check.AGREES, Check.DISAGREES, Verdict.UNKNOWN}}

_SIZES = re.compile(r"^(all-n|n<=\d+|n=\d+)$")
FULL_DOMAIN = "full domain"


@dataclass(frozen=True)
class Scope:
    """What a verdict covers.

    ``sizes``: ``all-n`` (every support size), ``n<=N``, ``n=N``, or None (no size: a statement
    about a fixed object).  ``parameters``: None for the full parameter domain, else the values
    covered per parameter (grid values, or an interval written as text).  ``conditions``: side
    conditions under which the verdict holds, as readable strings (empty when none)."""

    sizes: str | None = None
    parameters: Mapping[str, tuple[str, ...]] | None = None
    conditions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.sizes is not None and not _SIZES.match(self.sizes):
            raise ValueError(f"scope sizes {self.sizes!r} is not all-n, n<=N or n=N")
        if self.parameters is not None:
            object.__setattr__(self, "parameters", {k: tuple(map(str, v)) for k, v in self.parameters.items()})
        object.__setattr__(self, "conditions", tuple(self.conditions))

    @property
    def size_rank(self) -> int:
        """Larger is more: ``all-n`` beats every ``n<=N``, which beats ``n=N``."""
        if self.sizes == "all-n":
            return 10**9
        if self.sizes and self.sizes.startswith("n<="):
            return int(self.sizes[3:])
        return 0

    @property
    def unrestricted(self) -> bool:
        """Every parameter value and no side condition."""
        return self.parameters is None and not self.conditions

    def rank(self) -> tuple[int, int, int]:
        """Order of strength between proofs of the same claim: unrestricted first, then sizes."""
        return (self.parameters is None, -len(self.conditions), self.size_rank)

    def parameters_text(self) -> str:
        if self.parameters is None:
            return FULL_DOMAIN
        return ", ".join(f"{k} ∈ {{{', '.join(v)}}}" for k, v in self.parameters.items())

    def __str__(self) -> str:
        parts = [self.sizes or "-"]
        if self.parameters is not None:
            parts.append(self.parameters_text())
        parts += list(self.conditions)
        return "; ".join(parts)

    def to_json(self) -> dict:
        """``{"scope": "all-n", "parameters": "full domain" | {...}, "conditions": [...]}``."""
        return {"scope": self.sizes,
                "parameters": FULL_DOMAIN if self.parameters is None else {k: list(v) for k, v in self.parameters.items()},
                "conditions": list(self.conditions)}


@dataclass(frozen=True)
class RouteResult:
    """One route's outcome with its name, role and wall time."""

    route: str
    outcome: "Outcome"
    seconds: float
    role: str = PROVER

    def __post_init__(self) -> None:
        if self.role not in _ALLOWED:
            raise ValueError(f"unknown route role {self.role!r}")
        if self.outcome.verdict not in _ALLOWED[self.role]:
            raise ValueError(f"a {self.role} route ({self.route}) cannot conclude {self.outcome.verdict!s}")

    @property
    def verdict(self) -> str:
        return self.outcome.verdict

    def to_json(self) -> dict:
        out = {"route": self.route, "role": self.role, "verdict": str(self.verdict), "seconds": round(self.seconds, 3)}
        if self.outcome.scope:
            out.update(self.outcome.full_scope.to_json())
        if self.outcome.reason:
            out["reason"] = self.outcome.reason
        if self.outcome.witness is not None:
            out["witness"] = self.outcome.witness.to_json()
        return out


@dataclass(frozen=True)
class Combined:
    """A claim's verdict, with its scope (a proof's or a refutation's; empty otherwise)."""

    verdict: Verdict
    scope: Scope = field(default_factory=Scope)
    confirmed: bool = False
    witness: "Point | None" = None
    notes: tuple[str, ...] = ()

    @property
    def disagreement(self) -> bool:
        return self.verdict is Verdict.DISAGREEMENT


def _disagreement(notes: Iterable[str]) -> Combined:
    return Combined(Verdict.DISAGREEMENT, notes=tuple(notes))


def combine(results: Iterable[RouteResult]) -> Combined:
    """The claim's verdict from its routes' outcomes (see the module docstring for the rules)."""
    results = list(results)
    proofs = [r for r in results if r.verdict == Verdict.PROVED]
    refutations = [r for r in results if r.verdict == Verdict.REFUTED]
    against = [r for r in results if r.verdict == Check.DISAGREES]
    agreeing = [r for r in results if r.verdict == Check.AGREES]
    flagged = [r for r in results if r.outcome.data.get("disagreement")]
    if flagged:
        return _disagreement(f"{r.route}: {r.outcome.reason}" for r in flagged)
    if proofs and (refutations or against):
        names = ", ".join(r.route for r in refutations + against)
        return _disagreement((f"routes disagree: proved by {proofs[0].route}, contradicted by {names}",))
    if refutations:
        notes = tuple(f"{r.route} found no violation (a cross-check can miss a narrow region)" for r in agreeing)
        first = refutations[0]
        return Combined(Verdict.REFUTED, first.outcome.full_scope, len(refutations) + len(against) >= 2,
                        first.outcome.witness, notes)
    if against:
        return _disagreement((f"{against[0].route} contradicts the statement and no route decides it",))
    if proofs:
        best = max(proofs, key=lambda r: r.outcome.full_scope.rank())
        return Combined(Verdict.PROVED, best.outcome.full_scope, len(proofs) + len(agreeing) >= 2)
    reasons = tuple(f"{r.route}: {r.outcome.reason}" for r in results if r.outcome.reason)
    return Combined(Verdict.UNKNOWN, notes=reasons)


def grid_parameters(covered: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]] | None:
    """A ``{parameter: values}`` grid as scope parameters (None, the full domain, when empty)."""
    if not covered:
        return None
    return {k: tuple(map(str, v)) for k, v in covered.items()}
