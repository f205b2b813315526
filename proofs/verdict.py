"""Combining route outcomes into a claim's verdict (THEORY.md section 5).

A verdict is never stronger than its evidence:

* ``refuted`` needs a route that refuted with an exactly replayed witness;
* ``proved`` needs a prover's proof (symbolic or SMT ``unsat``); its scope is ``all-n`` if any
  proof covers every ``n``, else the largest ``n<=N`` proved;
* anything else is ``unknown``.

Routes that contradict each other (a proof beside a refutation, or a proof beside a numeric
disagreement) make the claim ``unknown`` and set ``disagreement``: it is never averaged away.
A numeric cross-check that found no violation of a refuted claim is only a note (sampling
can miss a narrow region); a numeric disagreement with no proof is also a disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kdaxioms.symbolic.outcome import AGREES, DISAGREES, PROVED, REFUTED, UNKNOWN, Outcome
from kdaxioms.symbolic.points import Point


@dataclass(frozen=True)
class RouteResult:
    """One route's outcome with its name and wall time."""

    route: str
    outcome: Outcome
    seconds: float

    @property
    def verdict(self) -> str:
        return self.outcome.verdict

    def to_json(self) -> dict:
        out = {"route": self.route, "verdict": self.verdict, "seconds": round(self.seconds, 3)}
        if self.outcome.scope:
            out["scope"] = self.outcome.scope
        if self.outcome.reason:
            out["reason"] = self.outcome.reason
        if self.outcome.witness is not None:
            out["witness"] = self.outcome.witness.to_json()
        return out


@dataclass(frozen=True)
class Combined:
    verdict: str
    scope: str | None
    disagreement: bool
    confirmed: bool
    witness: Point | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _scope_rank(scope: str | None) -> int:
    if scope == "all-n":
        return 10**9
    if scope and scope.startswith("n<="):
        return int(scope[3:])
    return 0


def combine(results: list[RouteResult]) -> Combined:
    """The claim's verdict from its routes' outcomes."""
    proofs = [r for r in results if r.verdict == PROVED]
    refutations = [r for r in results if r.verdict == REFUTED]
    against = [r for r in results if r.verdict == DISAGREES]
    agreeing = [r for r in results if r.verdict == AGREES]
    flagged = [r for r in results if r.outcome.data.get("disagreement")]
    if flagged:
        return Combined(UNKNOWN, None, True, False, notes=tuple(f"{r.route}: {r.outcome.reason}" for r in flagged))
    if proofs and (refutations or against):
        names = ", ".join(r.route for r in refutations + against)
        return Combined(UNKNOWN, None, True, False, notes=(f"routes disagree: proved by {proofs[0].route}, contradicted by {names}",))
    if refutations:
        notes = tuple(f"{r.route} found no violation (a cross-check can miss a narrow region)" for r in agreeing)
        first = refutations[0]
        return Combined(REFUTED, first.outcome.scope, False, len(refutations) + len(against) >= 2, first.outcome.witness, notes)
    if against:
        return Combined(UNKNOWN, None, True, False, notes=(f"{against[0].route} disagrees and no route decides",))
    if proofs:
        best = max(proofs, key=lambda r: _scope_rank(r.outcome.scope))
        return Combined(PROVED, best.outcome.scope, False, len(proofs) + len(agreeing) >= 2)
    return Combined(UNKNOWN, None, False, False)
