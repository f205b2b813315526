"""Interval proofs of claims with logarithms at a fixed support size: a certified cover.

A claim ``lhs <= rhs`` (or a conjunction of such relations) is proved on its whole box by
:func:`~.branch.certify_nonnegative` applied to ``F = rhs - lhs``:

* ``F`` is first rewritten in ``x log x`` form (:func:`~.xlogx_form.xlogx_form`, an identity
  checked by SymPy), so that it stays bounded where a coordinate reaches ``0``; the region is
  then the *closed* simplex of every input (coordinates ``x_1..x_{n-1}`` free in ``[0, 1]``, the
  last one ``1 - sum`` clipped to ``[0, 1]``) times the parameter box, which contains every
  interior anchor.  A dependent parameter (``w_2 = 1 - w_1``) must be affine in the free ones.
* where ``F`` vanishes at ``q = p`` the enclosures cannot decide, and the exact lemma
  :class:`~.lemmas.SegmentConvexity` (its hypotheses checked by SymPy once, its Hessian signs
  by intervals per cell) is allowed on the cells that meet the diagonal ``q = p`` and are no
  wider than ``neighbourhood`` in every coordinate.  Everywhere else intervals alone decide.

``proved`` is returned only when every cell of the region is certified; a certified negative
centre point is an exact counterexample (then ``refuted``); an exhausted budget is ``unknown``
with the uncovered volume fraction.  The scope names the support size and the parameter box.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import sympy as sp

from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.outcome import PROVED, REFUTED, Outcome, unknown

from .branch import Cover, Dependent, Region, certify_nonnegative
from .intervals import XLogX, arb_of
from .lemmas import SegmentConvexity
from .logclaims import LogClaim
from .xlogx_form import xlogx_form

#: Cells allowed to use the convexity lemma are at most this wide in every coordinate.
NEIGHBOURHOOD = Fraction(1, 4)


@dataclass(frozen=True)
class Diagonal:
    """The equality set ``moving = anchor`` (input names) where the segment lemma is allowed."""

    moving: str
    anchor: str


def _relations(formula: sp.Basic) -> list[sp.Expr]:
    """``rhs - lhs`` (must be ``>= 0``) for each conjunct; ModelError for other shapes."""
    parts = formula.args if isinstance(formula, sp.And) else (formula,)
    out = []
    for f in parts:
        if isinstance(f, sp.Implies):
            f = f.args[1]  # proving the conclusion everywhere proves the implication
        if isinstance(f, sp.Or) and len(f.args) == 1:
            f = f.args[0]
        if isinstance(f, (sp.LessThan, sp.StrictLessThan)):
            out.append(f.rhs - f.lhs)
        elif isinstance(f, (sp.GreaterThan, sp.StrictGreaterThan)):
            out.append(f.lhs - f.rhs)
        else:
            shape = {"Or": "a disjunction", "Eq": "an equation", "Ne": "an inequation", "Not": "a negation"}.get(
                type(f).__name__, "a relation other than an inequality")
            raise ModelError(f"this route does not apply: the interval prover decides conjunctions of inequalities, "
                             f"and the statement contains {shape}")
    return out


def region(claim: LogClaim) -> Region:
    """The closed simplex of every free input times the parameter box (see the module docstring)."""
    free: list[sp.Symbol] = []
    bounds: list[tuple[Fraction, Fraction]] = []
    for name, syms in claim.inputs.items():
        free += syms[:-1]
        bounds += [(Fraction(0), Fraction(1))] * (len(syms) - 1)
    free += list(claim.parameters)
    bounds += [claim.box[s] for s in claim.parameters]
    deps = []
    for name, syms in claim.inputs.items():
        coeffs = tuple(Fraction(-1) if s in syms[:-1] else Fraction(0) for s in free)
        deps.append(Dependent(syms[-1], Fraction(1), coeffs))
    for s, expr in claim.dependent.items():
        poly = sp.Poly(expr, *free)
        if poly.total_degree() > 1:
            raise ModelError(f"dependent parameter {s} = {expr} is not affine in the free ones")
        const = sp.Rational(poly.coeff_monomial(1))
        coeffs = tuple(Fraction(str(sp.Rational(poly.coeff_monomial(x)))) for x in free)
        deps.append(Dependent(s, Fraction(str(const)), coeffs, Fraction(-10**9), Fraction(10**9)))
    return Region(tuple(free), tuple(bounds), tuple(deps), claim.scope())


def _anchor_values(claim: LogClaim, name: str) -> list[sp.Expr]:
    from kdaxioms.symbolic.model import vector_symbols
    if name in claim.fixed:
        return [sp.Rational(v.numerator, v.denominator) for v in claim.fixed[name]]
    return list(vector_symbols(name, claim.n))


def _lemma(expr: sp.Expr, reg: Region, claim: LogClaim, diagonal: Diagonal) -> tuple[SegmentConvexity, object]:
    moving = list(claim.inputs[diagonal.moving])
    anchors = _anchor_values(claim, diagonal.anchor)
    facts = [sp.Q.positive(a) for a in anchors if isinstance(a, sp.Symbol)]
    for s, (lo, hi) in claim.box.items():
        if lo > 0:
            facts.append(sp.Q.positive(s))
        if hi < 1:
            facts.append(sp.Q.positive(1 - s))
    lemma = SegmentConvexity(expr, reg, moving, anchors, sp.And(*facts))
    index = {s: k for k, s in enumerate(reg.free)}
    pairs = [(index[q], index.get(a) if isinstance(a, sp.Symbol) else a)
             for q, a in zip(moving, anchors) if q in index]

    fixed = {k: arb_of(Fraction(int(a.p), int(a.q))) for k, a in pairs if not isinstance(a, int)}

    def allowed(cell) -> bool:
        if any(float((hi - lo).upper()) > NEIGHBOURHOOD for lo, hi in cell):
            return False
        for k, a in pairs:
            qlo, qhi = cell[k]
            alo, ahi = cell[a] if isinstance(a, int) else (fixed[k], fixed[k])
            if qhi < alo or qlo > ahi:
                return False
        return True
    return lemma, allowed


def _tidy(expr: sp.Expr, coordinates: Sequence[sp.Symbol]) -> sp.Expr:
    """The terms without ``x log x`` collected per coordinate with factored coefficients:
    ``q_2 log 10 - alpha q_2 log 10 - ...`` becomes ``(1 - alpha) log(10/3) q_2``, so that
    intervals do not add up the widths of large cancelling terms."""
    terms = sp.Add.make_args(expr)
    logs = sp.Add(*(t for t in terms if t.has(XLogX)))
    rest = sp.expand(sp.Add(*(t for t in terms if not t.has(XLogX))))
    rest = sp.collect(rest, list(coordinates), lambda c: sp.factor(sp.logcombine(c, force=True)))
    return logs + rest


def prove(claim: LogClaim, diagonal: Diagonal | None = None, budget: int = 60000,
          deadline: Deadline | None = None) -> Outcome:
    """A certified cover of ``claim`` over its box (``proved``), a certified counterexample
    (``refuted``) or ``unknown`` with what is left (also when ``deadline`` stops the cover)."""
    deadline = deadline or Deadline.unbounded()
    reg = region(claim)
    coordinates = [s for syms in claim.inputs.values() for s in syms]
    covers: list[Cover] = []
    steps: list[str] = []
    evidence = []
    for k, raw in enumerate(_relations(claim.formula), 1):
        expr = _tidy(xlogx_form(raw, coordinates), coordinates)
        lemmas, allowed, described = (), None, None
        if diagonal is not None:
            lemma, allowed = _lemma(expr, reg, claim, diagonal)
            lemmas = (lemma,)
            steps += list(lemma.steps)
            described = {"name": lemma.name, "moving": [sp.srepr(q) for q in claim.inputs[diagonal.moving]],
                         "anchors": [sp.srepr(a) for a in _anchor_values(claim, diagonal.anchor)]}
        cover = certify_nonnegative(expr, reg, lemmas=lemmas, lemma_allowed=allowed, budget=budget,
                                    deadline=deadline)
        covers.append(cover)
        if cover.violation is not None:
            point = _point(claim, cover.violation)
            if claim.replay is None or claim.replay(point) is not True:
                return unknown("the interval cover found a negative cell centre, but it does not replay exactly "
                               "as a violation (outside the premise, undefined, or not certified)", *steps)
            return Outcome(REFUTED, f"n={claim.n}", (f"interval branch and bound: {cover.summary()}",
                                                     "a cell centre is certainly negative"), point,
                           data={"seconds": cover.seconds, "route": "intervals"})
        if not cover.complete:
            reason = (f"interval cover incomplete after {cover.cells} cells: "
                      f"uncovered volume fraction {cover.uncovered:.3g} of {claim.scope()}")
            return unknown(deadline.reason(reason) if deadline.expired else reason,
                           *steps, seconds=cover.seconds, cells=cover.cells)
        evidence.append(cover.evidence(f"relation {k}: F >= 0 on {claim.scope()}", expr, reg, lemma=described))
    seconds = sum(c.seconds for c in covers)
    summary = [f"interval branch and bound over {claim.scope()}: {c.summary()}" for c in covers]
    return Outcome(PROVED, steps=tuple(summary) + tuple(steps), **claim.scope_fields(),
                   data={"seconds": seconds, "cells": sum(c.cells for c in covers), "route": "intervals",
                         "box": claim.scope()}, evidence=tuple(evidence))


def _point(claim: LogClaim, values: dict[sp.Symbol, Fraction]):
    inputs = {name: tuple(values[s] for s in syms) for name, syms in claim.inputs.items()}
    params = {s: values[s] for s in claim.parameters}
    return claim.point(inputs, params)
