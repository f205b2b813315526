"""The one exact replay through which every witness passes.

A statement about an operator ``T`` reads: for every point in its premise, the conclusion
holds.  A point is a *witness* against it only if

1. the point lies in the premise, checked exactly with rationals: every input vector has the
   same length ``n >= 2``, non-negative entries summing to 1, and strictly positive entries where
   the operator (the anchor ``p`` of a meta operator) or the statement (continuity, logarithms)
   asks for the open simplex; every parameter lies in its domain and the joint constraints hold;
   every auxiliary symbol (the raise share ``s`` of A3) lies in its own domain;
2. the operator is defined there: no zero denominator (the normalizer ``sum_j c_j`` included), no
   logarithm of a non-positive number, no ``0**e`` with ``e <= 0``, no non-integer power of a
   negative number (see :func:`kdaxioms.symbolic.certify.exact_value`);
3. the conclusion is certainly false there, decided exactly by
   :func:`~kdaxioms.symbolic.certify.certified_truth`.

:func:`replay` returns a :class:`Replay`: ``VIOLATED`` (the only outcome that refutes),
``HOLDS``, ``UNDECIDED`` (a sign that cannot be certified), ``OUTSIDE_PREMISE`` or ``UNDEFINED``,
the last two with the reason.  An ``UNDEFINED`` point is not a violation of the conclusion; it is
kept distinct because it is evidence of another kind (the operator is partial there).  The axiom
decides what it means: for closure and continuity on the open simplex (``undefined_violates``)
it is a violation (:meth:`kdaxioms.symbolic.axioms.Axiom.replay`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from .certify import certified_sign, certified_truth, exact_value, violated_relations
from .errors import TranslationError, UndefinedError
from .model import Operator, vector_symbols
from .points import Point


class Status(enum.Enum):
    VIOLATED = "violated"
    HOLDS = "holds"
    UNDECIDED = "undecided"
    OUTSIDE_PREMISE = "outside-premise"
    UNDEFINED = "undefined"


@dataclass(frozen=True)
class Replay:
    """The outcome of replaying a statement at an exact point (``reason`` says why it is not a
    plain ``VIOLATED`` or ``HOLDS``)."""

    status: Status
    reason: str = ""
    #: For ``VIOLATED``: the conclusion and the point, kept for :attr:`violation` (computed only
    #: when a report asks, not on every replay of a search).
    conclusion: sp.Basic | None = field(default=None, compare=False, repr=False)
    subs: Mapping = field(default_factory=dict, compare=False, repr=False)

    @property
    def violation(self) -> tuple:
        """For ``VIOLATED``: the relations of the conclusion that fail, as ``(relation, left value,
        right value)`` in exact arithmetic (:func:`~kdaxioms.symbolic.certify.violated_relations`)."""
        if self.status is not Status.VIOLATED or self.conclusion is None:
            return ()
        return violated_relations(self.conclusion, dict(self.subs))

    @property
    def violated(self) -> bool:
        """True exactly when the point is a witness: in the premise, operator defined, conclusion false."""
        return self.status is Status.VIOLATED

    def truth(self) -> bool | None:
        """``False`` when violated, ``True`` when the conclusion holds, ``None`` otherwise."""
        return {Status.VIOLATED: False, Status.HOLDS: True}.get(self.status)

    def __str__(self) -> str:
        return f"{self.status.value}: {self.reason}" if self.reason else self.status.value


@dataclass(frozen=True)
class Premise:
    """What a point must satisfy before a statement about ``operator`` is evaluated at it.

    ``interior`` names the inputs that must lie in the open simplex (beyond the operator's own
    ``interior_inputs``); ``auxiliary`` gives the domain of every symbol that the statement adds
    to the operator's parameters (e.g. the raise share ``s``: ``0 <= s <= 1``)."""

    operator: Operator
    interior: frozenset[str] = frozenset()
    auxiliary: Mapping[sp.Symbol, sp.Basic] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "interior", frozenset(self.interior) | set(self.operator.interior_inputs))


def _rational(v: Fraction) -> sp.Rational:
    return sp.Rational(v.numerator, v.denominator)


def _inputs_failure(premise: Premise, point: Point) -> str | None:
    op = premise.operator
    names = set(point.inputs)
    if names != set(op.inputs):
        return f"inputs {sorted(names)} are not the operator's inputs {list(op.inputs)}"
    sizes = {len(vec) for vec in point.inputs.values()}
    if len(sizes) != 1:
        return f"input vectors have different lengths {sorted(sizes)}"
    if point.n < 2:
        return f"support size n={point.n} is below 2"
    for name, vec in point.inputs.items():
        shown = "(" + ", ".join(map(str, vec)) + ")"
        if not all(isinstance(v, (Fraction, int)) for v in vec):
            return f"{name} = {shown} is not exact"
        if any(v < 0 for v in vec):
            return f"{name} = {shown} has a negative entry"
        if sum(vec) != 1:
            return f"{name} = {shown} sums to {sum(vec)}, not 1"
        if name in premise.interior and any(v == 0 for v in vec):
            return f"{name} = {shown} has a zero entry; the statement needs it in the open simplex"
    return None


def _parameters(premise: Premise, point: Point) -> tuple[dict[sp.Symbol, sp.Rational], str | None]:
    """The exact substitution of the point's parameters, or the reason it is outside the domains."""
    op = premise.operator
    by_name = {p.name: p.symbol for p in op.parameters} | {s.name: s for s in premise.auxiliary}
    stray = sorted(set(point.parameters) - set(by_name))
    if stray:
        return {}, f"values for {stray}, which are neither parameters nor auxiliary symbols"
    missing = sorted(p.name for p in op.parameters if p.name not in point.parameters)
    if missing:
        return {}, f"no values for the parameters {missing}"
    subs = {by_name[k]: _rational(Fraction(v)) for k, v in point.parameters.items()}
    for p in op.parameters:
        if certified_truth(p.domain, subs) is not True:
            return subs, f"parameter {p.name}={point.parameters[p.name]} is outside its domain {p.domain}"
    for constraint in op.constraints:
        if certified_truth(constraint, subs) is not True:
            return subs, f"parameters violate the joint constraint {constraint}"
    for symbol, domain in premise.auxiliary.items():
        if symbol in subs and certified_truth(domain, subs) is not True:
            return subs, f"{symbol.name}={subs[symbol]} is outside its domain {domain}"
    return subs, None


def substitution(premise: Premise, point: Point) -> tuple[dict[sp.Symbol, sp.Rational], str | None]:
    """The exact values of every symbol at ``point`` (input coordinates, parameters, auxiliary
    symbols), or ``(partial, reason)`` when the point lies outside the premise."""
    reason = _inputs_failure(premise, point)
    if reason is not None:
        return {}, reason
    subs, reason = _parameters(premise, point)
    if reason is not None:
        return subs, reason
    for name, vec in point.inputs.items():
        subs.update(zip(vector_symbols(name, point.n), map(_rational, vec)))
    return subs, None


def operator_undefined(op: Operator, n: int, subs: Mapping[sp.Symbol, sp.Expr]) -> Replay | None:
    """``UNDEFINED`` (or ``UNDECIDED``, when definedness cannot be certified) if ``op`` is not
    defined at the exact point ``subs``; None when every component and the normalizer are."""
    raw = op.expanded(n)
    try:
        values = [exact_value(c, dict(subs)) for c in raw]
    except UndefinedError as err:
        return Replay(Status.UNDEFINED if err.certain else Status.UNDECIDED, f"the operator: {err.reason}")
    except TranslationError as err:
        return Replay(Status.UNDECIDED, f"the operator cannot be evaluated exactly: {err}")
    if op.normalize:
        total = sp.Add(*values)
        try:
            sign = certified_sign(total)
        except TranslationError as err:
            return Replay(Status.UNDECIDED, f"the normalizer cannot be evaluated exactly: {err}")
        if sign is None:
            return Replay(Status.UNDECIDED, f"the sign of the normalizer {total} cannot be certified")
        if sign == 0:
            return Replay(Status.UNDEFINED, "the operator: the normalizer sum_j c_j is 0")
    return None


def replay(premise: Premise, formula: Callable[[int], sp.Basic], point: Point) -> Replay:
    """Premise, then definedness, then the conclusion ``formula(n)``, all in exact arithmetic."""
    subs, reason = substitution(premise, point)
    if reason is not None:
        return Replay(Status.OUTSIDE_PREMISE, reason)
    undefined = operator_undefined(premise.operator, point.n, subs)
    if undefined is not None:
        return undefined
    conclusion = formula(point.n)
    free = sorted(s.name for s in conclusion.free_symbols if s not in subs)
    if free:
        return Replay(Status.OUTSIDE_PREMISE, f"the point gives no values for {free}")
    try:
        truth = certified_truth(conclusion, subs)
    except TranslationError as err:
        return Replay(Status.UNDECIDED, f"the conclusion cannot be evaluated exactly: {err}")
    if truth is None:
        return Replay(Status.UNDECIDED, "the conclusion's sign cannot be certified (or it is undefined) at this point")
    if truth:
        return Replay(Status.HOLDS)
    return Replay(Status.VIOLATED, conclusion=conclusion, subs=subs)
