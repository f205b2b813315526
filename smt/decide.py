"""Deciding statements with Z3, cheapest encoding first.

* :func:`decide_obligations`: each per-coordinate obligation ``premise => conclusion`` is
  negated and checked with symbolic parameters.  All ``unsat``: proved for every ``n``.
  A ``sat`` model of a liftable obligation becomes an ``n = 2`` candidate that must fail the
  whole statement in exact arithmetic before it is reported as a counterexample.
* :func:`decide_vectors`: the negated statement on whole vectors for ``n = 2..N`` under the
  simplex constraints, with the anchor sorted when the operator is label-symmetric.  All
  ``unsat``: proved for ``n <= N``; a replayed model refutes; a timeout is ``unknown``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Iterable, Mapping, Protocol

import sympy as sp
import z3

from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.citation import cite
from kdaxioms.symbolic.evidence import SmtQuery
from kdaxioms.symbolic.errors import ModelError, TranslationError
from kdaxioms.symbolic.lemma_book import mechanised
from kdaxioms.symbolic.model import Operator
from kdaxioms.symbolic.obligations import (Obligation, lift_coordinate_model, simplex_constraints,
                                           symmetry_breaking, vector_model_point)
from kdaxioms.symbolic.outcome import PROVED, REFUTED, UNKNOWN, Outcome, unknown
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.replay import Replay

from .solve import SAT, UNSAT, Answer, check, smtlib
from .translate import Z3Translator

#: The exact replay of a statement at a point (:mod:`kdaxioms.symbolic.replay`); only a
#: ``VIOLATED`` result refutes.
ReplayFn = Callable[[Point], Replay]
#: Receives the SMT-LIB 2 text of each query (for --emit-smtlib).
Emit = Callable[[str], None]


class Statement(Protocol):
    operator: Operator

    def obligations(self) -> list[Obligation]: ...
    def vector_formula(self, n: int) -> sp.Basic: ...
    def replay(self, point: Point) -> Replay: ...


def _query(premise: sp.Basic, conclusion: sp.Basic, timeout_ms: int, emit: Emit | None = None,
           deadline: Deadline | None = None) -> Answer:
    """Check ``premise and not conclusion`` in a fresh Z3 context (optionally writing SMT-LIB),
    within ``timeout_ms`` and the time ``deadline`` leaves."""
    ctx = z3.Context()
    symbols = sorted((premise.free_symbols | conclusion.free_symbols), key=str)
    names = [s.name for s in symbols]
    clash = sorted({name for name in names if names.count(name) > 1})
    if clash:  # two symbols would be one Z3 variable: a capture, never silently accepted
        raise ModelError(f"distinct symbols share the names {clash}; the encoding would identify them")
    variables = {s: z3.Real(s.name, ctx) for s in symbols}
    tr = Z3Translator(variables, ctx)
    constraints = [tr(premise), z3.Not(tr(conclusion))]
    constraints += tr.side_conditions
    if emit is not None:
        emit(smtlib(constraints, ctx))
    return check(constraints, {s.name: v for s, v in variables.items()}, ctx, timeout_ms, deadline=deadline)


def decide_obligations(op: Operator, obligations: Iterable[Obligation], replay: ReplayFn | None,
                       timeout_ms: int = 5000, emit: Emit | None = None, deadline: Deadline | None = None) -> Outcome:
    """Per-coordinate route: proof for every ``n`` or an exactly replayed ``n = 2`` witness.

    When ``deadline`` runs out before every obligation is decided the outcome is ``unknown``
    with the budget named."""
    deadline = deadline or Deadline.unbounded()
    steps, lemma, queries = [], False, []
    for ob in obligations:
        if deadline.expired:
            return unknown(deadline.reason(f"{len(steps)} per-coordinate steps; {ob.label} not decided"), *steps)
        if ob.lemma is not None:
            holds, lemma_steps = ob.lemma()
            book = mechanised(ob.lemma)  # a lemma of the book is proved once, in the report's lemmas section
            steps.extend(lemma_steps if book is None or holds is not True else (f"{ob.label}: by {cite(book.key)}",))
            if holds is not True:
                return unknown(f"{ob.label}: the lemma's hypotheses are not established", *steps)
            lemma = True
            continue
        try:
            answer = _query(ob.premise, ob.conclusion, timeout_ms, emit, deadline)
        except TranslationError as err:
            return unknown(f"this route does not apply: {err.reason}", *steps)
        if answer.status == UNSAT:
            steps.append(f"{ob.label}: negation unsat (Z3, {answer.strategy} strategy)")
            queries.append(SmtQuery(ob.label, answer.query))
            continue
        if answer.status == SAT and ob.liftable and replay is not None:
            point = lift_coordinate_model(op, answer.values)
            result = replay(point)
            if result.violated:
                steps.append(f"{ob.label}: model lifted to $n = 2$ and replayed exactly: violated")
                return Outcome(REFUTED, "n=2", tuple(steps), witness=point)
            return unknown(f"{ob.label}: per-coordinate model does not refute at n = 2 ({result})", *steps)
        if answer.status == SAT:
            return unknown(f"{ob.label}: per-coordinate model found but it is not a distribution point", *steps)
        reason = f"{ob.label}: {answer.reason}"
        return unknown(deadline.reason(reason) if deadline.expired else reason, *steps)
    steps.append(f"each statement holds per coordinate, so for every $n$ by {cite('coordinate-reduction')}")
    return Outcome(PROVED, "all-n", tuple(steps), data={"lemma": lemma}, evidence=tuple(queries))


def decide_vectors(statement: Statement, sizes: Iterable[int], timeout_ms: int = 5000, *,
                   all_interior: bool = False, sort: bool = True,
                   fixed: Mapping[sp.Symbol, sp.Rational] | None = None, emit: Emit | None = None,
                   deadline: Deadline | None = None) -> Outcome:
    """Whole-vector route for each ``n`` in ``sizes`` (increasing).

    ``all_interior`` puts every input in the open simplex; ``sort`` orders the first input
    (sound when the statement is label-symmetric and the operator is); ``fixed`` instantiates
    symbols (e.g. a temperature on a grid), and the values join the witness's parameters.
    When ``deadline`` runs out the outcome is ``unknown`` with the budget named, keeping the
    scope ``n<=N`` of the sizes already proved."""
    deadline = deadline or Deadline.unbounded()
    op = statement.operator
    fixed = dict(fixed or {})
    steps, proved_up_to, queries = [], None, []
    at = "".join(f", ${sp.latex(k)} = {sp.latex(v)}$" for k, v in sorted(fixed.items(), key=lambda kv: str(kv[0])))
    for n in sizes:
        if deadline.expired:
            done = f"n<={proved_up_to}" if proved_up_to else "no support size"
            return Outcome(UNKNOWN, done if proved_up_to else None, tuple(steps),
                           reason=deadline.reason(f"{done} proved; n = {n} not decided"), evidence=tuple(queries))
        premise = simplex_constraints(op, n, all_interior).xreplace(fixed)
        if sort and op.label_symmetric:
            premise = sp.And(premise, symmetry_breaking(op, n, op.inputs[0]))
        conclusion = statement.vector_formula(n).xreplace(fixed)
        own = {s for syms in op.vector_inputs(n).values() for s in syms} | set(op.parameter_symbols)
        auxiliary = sorted(s.name for s in conclusion.free_symbols - own)  # e.g. A3's raise share
        try:
            answer = _query(premise, conclusion, timeout_ms, emit, deadline)
        except TranslationError as err:
            return unknown(f"this route does not apply: {err.reason}", *steps)
        if answer.status == UNSAT:
            steps.append(f"$n = {n}${at}: negation unsat (Z3, {answer.strategy} strategy)")
            queries.append(SmtQuery(f"n = {n}" + "".join(f", {k} = {v}" for k, v in sorted(fixed.items(), key=str)),
                                    answer.query))
            proved_up_to = n
            continue
        if answer.status == SAT:
            values = dict(answer.values) | {s.name: Fraction(int(v.p), int(v.q)) for s, v in fixed.items()}
            point = vector_model_point(op, n, values, extra=[s.name for s in fixed] + auxiliary)
            result = statement.replay(point)
            if result.violated:
                steps.append(f"$n = {n}${at}: model replayed exactly: violated")
                return Outcome(REFUTED, f"n={n}", tuple(steps), witness=point)
            note = "approximated algebraic model" if answer.approximate else "model"
            return unknown(f"n = {n}: {note} failed exact replay ({result})", *steps,
                           disagreement=not answer.approximate)
        reason = f"n = {n}: {answer.reason}"
        if deadline.expired:
            reason = deadline.reason(f"n<={proved_up_to} proved; {reason}" if proved_up_to else reason)
        return Outcome(UNKNOWN, f"n<={proved_up_to}" if proved_up_to else None, tuple(steps), reason=reason,
                       evidence=tuple(queries))
    return Outcome(PROVED, f"n<={proved_up_to}", tuple(steps), evidence=tuple(queries))
