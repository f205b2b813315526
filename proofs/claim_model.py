"""What a claim is: an id, its statement, what the theory expects, and its routes.

A route is a named prover (symbolic, SMT: it can prove or refute) or cross-check (numeric: it
can only agree or disagree) run under :class:`~kdaxioms.proofs.settings.Settings`.  The claim
modules (:mod:`.claims`, :mod:`.axiom_claims`, :mod:`.derived_claims`, ...) build on these
types, and :mod:`.claims` assembles the registry from them, so no claim module imports another
claim module back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from kdaxioms.smt.definedness import Definedness, decide_definedness, restrict, size_bound
from kdaxioms.symbolic.model import Operator
from kdaxioms.symbolic.outcome import PROVED, UNKNOWN, Outcome
from kdaxioms.symbolic.verdict import CROSS_CHECK, PROVER

from .settings import Settings

__all__ = ["CROSS_CHECK", "DEFINED_MAX_N", "FAILS", "HOLDS", "OPEN", "PROVER", "Claim", "Route", "defined"]

#: What the theory expects; OPEN marks a question the theory leaves to the tool.
HOLDS, FAILS, OPEN = "holds", "fails", "open"


@dataclass(frozen=True)
class Route:
    """A named way to decide a claim: ``role`` is PROVER (may prove or refute) or CROSS_CHECK (may
    only agree or disagree); ``run`` gives its :class:`~kdaxioms.symbolic.outcome.Outcome`."""

    name: str
    role: str
    run: Callable[[Settings], Outcome]


@dataclass(frozen=True)
class Claim:
    """A claim of THEORY.md: its id (``C2.kl``), statement (text and LaTeX), what the theory
    expects (HOLDS, FAILS or OPEN), the family it is about, its routes and, optionally, the
    derived forms the report prints beside it."""

    id: str
    statement: str
    latex: str
    expected: str
    family: str
    routes: tuple[Route, ...]
    forms: Callable[[], tuple[tuple[str, str], ...]] = field(default=lambda: ())
    #: The axiom when the claim is an audit of the family's operator (``kdaxioms audit`` of the
    #: family's example file must then give the same verdict and scope); "" otherwise.
    axiom: str = ""
    #: Why no proof of this claim covers every n and the whole parameter domain (the report's
    #: table of exceptions prints it); "" when one does, or nothing is known to stop it.
    limit: str = ""
    #: What a failure of this claim means for recursive distillation (the catalogue's ``meaning``).
    consequence: str = ""
    #: The report's figures that support the claim (the catalogue's ``figures``).
    figures: tuple[str, ...] = ()


#: The largest support size at which definedness is decided for a proof that covers every n.
DEFINED_MAX_N = 4


def defined(op: Operator, routes: tuple[Route, ...], interior: bool = False) -> tuple[Route, ...]:
    """``routes`` with every proof restricted to where ``op`` is defined: a proof whose support
    sizes the definedness obligation does not cover carries the condition in its scope
    (:mod:`kdaxioms.smt.definedness`), so no proof silently covers only the defined points."""
    def wrap(route: Route) -> Route:
        if route.role != PROVER:
            return route

        def run(settings: Settings) -> Outcome:
            out = route.run(settings)
            if out.verdict != PROVED:
                return out
            bound = size_bound(out.scope, min(DEFINED_MAX_N, settings.max_n))
            deadline = settings.deadline
            if deadline.expired:  # no time left to decide definedness: the proof says so
                return restrict(out, Definedness(UNKNOWN, reason=deadline.reason("the proof")))
            return restrict(out, decide_definedness(op, bound, settings.timeout_ms, interior, deadline))
        return Route(route.name, route.role, run)
    return tuple(wrap(r) for r in routes)
