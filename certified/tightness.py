"""A certified bracket ``[lower, upper]`` for C4's tight factor of the linear anchor (F1),

    c*(alpha, p) = sup_{q in simplex, q != p} KL(Tq||p) / KL(q||p),   T(q) = alpha p + (1 - alpha) q,

at a fixed ``alpha`` in ``(0, 1)`` and a fixed interior anchor ``p`` (exact rationals).

* **lower**: the seeded multi-start search of :mod:`.ratio_search` proposes an argmax (floats);
  it is rounded to an exact rational point ``q^`` of the simplex (``q^ != p``) and the ratio there
  is enclosed with ``arb`` at :data:`BITS` bits.  ``lower`` is the enclosure's lower end rounded
  *down* to :data:`DIGITS` decimals, so ``lower <= R(q^) <= c*``.  Where the supremum is only
  approached at ``q -> p`` (the uniform anchor at ``n = 2``), the ratio's limit there, derived
  symbolically by the ``local-kl-ratio`` derivation (``(1-alpha)^2``), is the larger lower bound
  and is used instead (``lower_from`` says which).
* **upper**: ``u = lower + gap`` rounded *up* to :data:`DIGITS` decimals, and
  ``G_u(q) = u KL(q||p) - KL(Tq||p) >= 0`` is certified on the whole closed simplex by interval
  branch and bound (:func:`~.branch.certify_nonnegative`), hence ``R(q) <= u`` for every ``q != p``.
  ``G_u`` is written in ``x log x`` form (:func:`~.xlogx_form.xlogx_form`, an identity checked by
  SymPy) so that it stays bounded on the faces.  At ``q = p`` both divergences vanish to second
  order and no enclosure can decide; there the exact lemma :class:`~.lemmas.SegmentConvexity`
  covers the cells: ``G_u(p) = 0``, its gradient is constant across coordinates at ``p``, it is
  separable, and its Hessian entries ``u/q_i - (1-alpha)^2/T_i`` are certified ``>= 0`` on the
  hull of the cell and ``p`` (true near ``p`` because ``u > (1-alpha)^2``, the ratio's limit there).
  If the cover finds a cell centre where ``G_u < 0`` (certified), the search missed a better
  point: the search climbs from there (ascent, then Newton), the point is made exact and the
  bracket recomputed (at most :data:`ROUNDS` times).

The width ``upper - lower`` is at most ``gap + 10^-DIGITS``.  Every formula comes from the
operator model (``linear_anchor``) and the KL divergence of the registry.

:func:`boundary_below` certifies that the ratio stays below a level on every face ``q_k = 0``
(a strict cover, or exact points when the faces are vertices); with ``lower`` above the ratio's
limit ``(1-alpha)^2`` at ``q = p`` this shows that ``c*`` is attained at an interior point.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

import numpy as np
import sympy as sp

from kdaxioms.symbolic.derivations import derivation
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.errors import InputError
from kdaxioms.symbolic.evidence import IntervalCover, Leaf
from kdaxioms.symbolic.families import linear_anchor
from kdaxioms.symbolic.model import vector_symbols
from kdaxioms.symbolic.points import distribution, on_simplex

from .branch import Cover, Dependent, Region, certify_nonnegative
from .intervals import Interval, IntervalProgram, XLogX, fraction_of, precision
from .lemmas import SegmentConvexity
from kdaxioms.numeric.ratio_search import Proposal, RatioFunctions, climb, propose, ratio_functions
from .xlogx_form import xlogx_form

#: Decimals of the reported bounds (lower rounded down, upper rounded up).
DIGITS = 12
#: Default distance from ``lower`` to the certified ``upper``: the bracket's width is at most
#: ``GAP + 10^-DIGITS`` (the issue asks for ``<= 1e-6``).
GAP = Fraction(5, 10**7)
#: Bits of the ``arb`` evaluation of the ratio at the exact argmax.
BITS = 128
#: Common denominator of the exact argmax (free coordinates rounded, the last one ``1 - sum``):
#: every coordinate is an exact decimal with :data:`DIGITS` decimals.
DENOMINATOR = 10**DIGITS
#: Cells per branch-and-bound run, and search-and-certify rounds.
BUDGET, ROUNDS = 200_000, 3


@dataclass(frozen=True)
class RatioProblem:
    """``R(q) = num / den`` at fixed ``alpha`` and anchor, as SymPy expressions in ``q_1..q_n``."""

    alpha: Fraction
    anchor: tuple[Fraction, ...]
    q: tuple[sp.Symbol, ...]
    num: sp.Expr  # KL(Tq||p)
    den: sp.Expr  # KL(q||p)

    @property
    def n(self) -> int:
        return len(self.anchor)

    def rational_anchor(self) -> list[sp.Rational]:
        return [_rational(v) for v in self.anchor]


def _rational(v: Fraction) -> sp.Rational:
    return sp.Rational(v.numerator, v.denominator)


def problem(alpha: Fraction, anchor: Sequence[Fraction]) -> RatioProblem:
    """Validate the inputs (one-line :class:`InputError`) and derive ``R`` from the model."""
    alpha = Fraction(alpha)
    if not 0 < alpha < 1:
        raise InputError(f"alpha = {alpha} is outside (0, 1); c*(alpha, p) is defined for 0 < alpha < 1")
    p = distribution(anchor, "anchor", interior=True)
    op, kl = linear_anchor(), divergence("kl")
    n = len(p)
    p_sym, q_sym = vector_symbols("p", n), vector_symbols("q", n)
    (a_sym,) = op.parameter_symbols
    subs = {a_sym: _rational(alpha), **dict(zip(p_sym, (_rational(v) for v in p)))}
    t = [c.xreplace(subs) for c in op.vector(n)]
    anchor_values = [_rational(v) for v in p]
    return RatioProblem(alpha, p, q_sym, kl.total(t, anchor_values), kl.total(q_sym, anchor_values))


# -- exact rounding ---------------------------------------------------------------------------

def floor_decimal(x: Fraction, digits: int = DIGITS) -> Fraction:
    scale = 10**digits
    return Fraction(math.floor(x * scale), scale)


def ceil_decimal(x: Fraction, digits: int = DIGITS) -> Fraction:
    scale = 10**digits
    return Fraction(math.ceil(x * scale), scale)


def decimal(x: Fraction, digits: int = DIGITS) -> str:
    """An exact decimal string of a rational with at most ``digits`` decimals."""
    scaled = x * 10**digits
    if scaled.denominator != 1:
        raise ValueError(f"{x} has more than {digits} decimals")
    sign, value = ("-" if scaled < 0 else ""), abs(scaled.numerator)
    whole, frac = divmod(value, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}".rstrip("0").rstrip(".")


def exact_point(q: np.ndarray, anchor: Sequence[Fraction], denominator: int = DENOMINATOR) -> tuple[Fraction, ...]:
    """A rational point of the simplex near ``q`` (:func:`~kdaxioms.symbolic.points.on_simplex`),
    every entry ``>= 0`` and the point different from the anchor (moved off it by one unit of the
    last decimal if rounding lands on it)."""
    point = on_simplex(q, denominator)
    if point == tuple(anchor):  # the search ran into p (supremum only approached there): step off it
        step = min(Fraction(1, denominator), min(anchor) / 2)
        point = (point[0] + step,) + point[1:-1] + (point[-1] - step,)
    return point


# -- certified pieces ---------------------------------------------------------------------------

def _tidy(expr: sp.Expr, coordinates: Sequence[sp.Symbol]) -> sp.Expr:
    """The terms without ``x log x`` collected per coordinate, so that ``(c_1 log a + c_2 log b) q_i``
    is one constant (folded once by :class:`IntervalProgram`) times ``q_i`` and enclosures do not
    add the widths of cancelling terms.  (No ``logcombine``: it would raise ``a`` to the power
    ``c_1`` exactly, which is ruinous for rationals with large denominators.)"""
    terms = sp.Add.make_args(expr)
    logs = sp.Add(*(t for t in terms if t.has(XLogX)))
    rest = sp.expand(sp.Add(*(t for t in terms if not t.has(XLogX))))
    return logs + sp.collect(rest, list(coordinates))


@lru_cache(maxsize=8)
def _ratio_program(prob: RatioProblem) -> IntervalProgram:
    """``R`` in ``x log x`` form as an interval program, built once per problem (a bracket encloses
    ``R`` at several points per round)."""
    q = prob.q
    num = _tidy(xlogx_form(prob.num, q), q)
    den = _tidy(xlogx_form(prob.den, q), q)
    return IntervalProgram(num / den, q)


def ratio_enclosure(prob: RatioProblem, point: Sequence[Fraction], bits: int = BITS) -> Interval:
    """Certified enclosure of ``R`` at an exact point ``q != p`` (zeros allowed: ``0 log 0 = 0``)."""
    program = _ratio_program(prob)
    with precision(bits):
        return program([Interval.exact(v) for v in point])


def simplex_region(coordinates: Sequence[sp.Symbol]) -> Region:
    """The closed simplex over ``coordinates`` (at least two): all but the last free in ``[0, 1]``,
    the last ``1 - sum`` clipped to ``[0, 1]``."""
    free = tuple(coordinates[:-1])
    dependent = Dependent(coordinates[-1], Fraction(1), (Fraction(-1),) * len(free))
    return Region(free, ((Fraction(0), Fraction(1)),) * len(free), (dependent,),
                  f"closed simplex of {', '.join(map(str, coordinates))}")


def gap_function(prob: RatioProblem, level: Fraction) -> sp.Expr:
    """``level KL(q||p) - KL(Tq||p)`` in ``x log x`` form (non-negative iff ``R <= level``)."""
    q = prob.q
    return _tidy(xlogx_form(_rational(level) * prob.den - prob.num, q), q)


def certify_upper(prob: RatioProblem, level: Fraction, budget: int = BUDGET) -> Cover:
    """Branch and bound for ``R(q) <= level`` on the closed simplex (see the module docstring)."""
    expr = gap_function(prob, level)
    region = simplex_region(prob.q)
    lemma = SegmentConvexity(expr, region, list(prob.q), prob.rational_anchor(), name="segment convexity at q = p")
    return certify_nonnegative(expr, region, lemmas=(lemma,), budget=budget)


@dataclass(frozen=True)
class FaceCheck:
    """Is ``R < level`` on every face ``q_k = 0``?  ``certified`` only if every face was covered;
    ``evidence`` holds each face's cover (a vertex as a cover of one point)."""

    level: Fraction
    certified: bool
    faces: tuple[str, ...]
    seconds: float
    evidence: tuple[IntervalCover, ...] = ()


def boundary_below(prob: RatioProblem, level: Fraction, budget: int = BUDGET) -> FaceCheck:
    """Certify ``level KL(q||p) - KL(Tq||p) > 0`` on each face ``q_k = 0`` of the simplex."""
    began = time.perf_counter()
    expr = gap_function(prob, level)
    notes, ok, evidence = [], True, []
    for k, qk in enumerate(prob.q):
        face = expr.xreplace({qk: sp.Integer(0)})
        rest = [s for s in prob.q if s is not qk]
        label = f"face {qk} = 0: level KL(q||p) - KL(Tq||p) > 0 at level {level}"
        if len(rest) == 1:  # a vertex: one exact point
            with precision(BITS):
                value = IntervalProgram(face, rest)([Interval.exact(1)])
            good = bool(value.lo > 0)
            if good:
                evidence.append(point_evidence(label, face.xreplace({rest[0]: sp.Integer(1)}), value, strict=True))
            notes.append(rf"vertex ${sp.latex(rest[0])} = 1$: $c\,\mathrm{{KL}}(q\|p) - \mathrm{{KL}}(Tq\|p) \in {value}$ "
                         rf"with $c = {sp.latex(sp.Rational(level.numerator, level.denominator))}$"
                         + ("" if good else " (not certified $> 0$)"))
        else:
            region = simplex_region(rest)
            cover = certify_nonnegative(face, region, strict=True, budget=budget)
            good = cover.complete
            notes.append(rf"face ${sp.latex(qk)} = 0$: {cover.summary()}")
            if good:
                evidence.append(cover.evidence(label, face, region, strict=True))
        ok = ok and good
    return FaceCheck(level, ok, tuple(notes), time.perf_counter() - began, tuple(evidence))


def point_evidence(label: str, value_expr: sp.Expr, value: Interval, strict: bool = False) -> IntervalCover:
    """A constant expression's certified sign as a cover of one point (no free variable)."""
    enclosure = (str(fraction_of(value.lo)), str(fraction_of(value.hi)))
    return IntervalCover(label, sp.srepr(value_expr), (), (), (), (), (Leaf((), (), "enclosure", enclosure),), strict)


def bracket_evidence(b: "Bracket") -> tuple[IntervalCover, ...]:
    """The evidence of a certified bracket: ``R <= upper`` on the closed simplex (the cover, with
    segment convexity at ``q = p``), and ``R(q*) >= lower`` at the exact point ``q*`` when the lower
    end comes from it (``KL(Tq*||p) - lower KL(q*||p) >= 0`` and ``KL(q*||p) > 0``)."""
    prob = problem(b.alpha, b.anchor)
    region = simplex_region(prob.q)
    lemma = {"name": "segment convexity at q = p", "moving": [sp.srepr(q) for q in prob.q],
             "anchors": [sp.srepr(a) for a in prob.rational_anchor()]}
    items = [b.cover.evidence(f"R(q) <= {b.upper} on the closed simplex", gap_function(prob, b.upper), region,
                              lemma=lemma)]
    if b.lower_from == ARGMAX:
        at = dict(zip(prob.q, map(_rational, b.argmax)))
        with precision(BITS):
            values = [Interval.exact(v) for v in b.argmax]
            gap = prob.num - _rational(b.lower) * prob.den
            items.append(point_evidence(f"R(q*) >= {b.lower} at q* = {tuple(map(str, b.argmax))}", gap.xreplace(at),
                                        IntervalProgram(gap, prob.q)(values)))
            items.append(point_evidence(f"KL(q*||p) > 0 at q* = {tuple(map(str, b.argmax))}", prob.den.xreplace(at),
                                        IntervalProgram(prob.den, prob.q)(values), strict=True))
    return tuple(items)


# -- the bracket ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bracket:
    """``lower <= c*(alpha, p) <= upper`` when ``certified`` (``upper`` is None otherwise)."""

    alpha: Fraction
    anchor: tuple[Fraction, ...]
    lower: Fraction
    upper: Fraction | None
    argmax: tuple[Fraction, ...]
    lower_from: str
    ratio_at_argmax: Interval
    cover: Cover
    proposal: Proposal
    rounds: int
    seconds: float

    @property
    def certified(self) -> bool:
        return self.upper is not None

    @property
    def width(self) -> Fraction | None:
        return None if self.upper is None else self.upper - self.lower

    def to_json(self) -> dict:
        return {
            "alpha": str(self.alpha),
            "anchor": [str(v) for v in self.anchor],
            # rounded outward to DIGITS decimals: the printed bracket still contains c*
            "lower": decimal(floor_decimal(self.lower)),
            "upper": None if self.upper is None else decimal(ceil_decimal(self.upper)),
            "width": None if self.width is None else decimal(ceil_decimal(self.width)),
            "certified": self.certified,
            "lower_from": self.lower_from,
            "argmax": [decimal(v) if (v * 10**DIGITS).denominator == 1 else str(v) for v in self.argmax],
            "ratio_at_argmax": [self.ratio_at_argmax.lo.str(20, radius=False), self.ratio_at_argmax.hi.str(20, radius=False)],
            "cover": self.cover.summary(),
            "cells": self.cover.cells,
            "search": {"starts": self.proposal.starts, "seconds": round(self.proposal.seconds, 3),
                       "float_value": self.proposal.value, "newton_converged": self.proposal.polished},
            "rounds": self.rounds,
            "seconds": round(self.seconds, 3),
        }


def bracket(alpha: Fraction, anchor: Sequence[Fraction], seed: int = 0, gap: Fraction = GAP,
            budget: int = BUDGET) -> Bracket:
    """The certified bracket of ``c*(alpha, anchor)`` (see the module docstring).

    ``upper`` is ``None`` when the cover ran out of budget (then nothing above ``lower`` is claimed)."""
    began = time.perf_counter()
    prob = problem(alpha, anchor)
    functions = ratio_functions(prob.alpha, prob.anchor)
    proposal = propose(prob.alpha, prob.anchor, seed=seed, functions=functions)
    point = exact_point(proposal.argmax, prob.anchor)
    limit = local_limit(prob.alpha)
    for rounds in range(1, ROUNDS + 1):
        enclosure = ratio_enclosure(prob, point)
        at_point = floor_decimal(fraction_of(enclosure.lo))
        lower, lower_from = (at_point, ARGMAX) if at_point >= limit else (limit, LIMIT)
        upper = ceil_decimal(lower + gap)
        cover = certify_upper(prob, upper, budget)
        if cover.complete or cover.violation is None or rounds == ROUNDS:
            break
        point = _better_point(prob, functions, cover.violation, point)
    return Bracket(prob.alpha, prob.anchor, lower, upper if cover.complete else None, point, lower_from, enclosure,
                   cover, proposal, rounds, time.perf_counter() - began)


#: How far into the simplex a climb from a cell centre on a face starts (a mix with the uniform point).
INSIDE = 1e-3

#: Where ``lower`` comes from: the certified ratio at the exact argmax, or the ratio's limit at ``q = p``.
ARGMAX, LIMIT = "ratio at the exact argmax (arb)", "limit at q = p (local-kl-ratio derivation)"


def local_limit(alpha: Fraction) -> Fraction:
    """``lim_{q -> p} R(q)`` at ``alpha``, from the symbolic ``local-kl-ratio`` derivation (exact)."""
    value = derivation("local-kl-ratio").derive({"alpha": Fraction(alpha)}).value
    return Fraction(int(value.p), int(value.q))


def _better_point(prob: RatioProblem, functions: RatioFunctions, violation: dict, current) -> tuple[Fraction, ...]:
    """A cell centre where ``R > upper`` (certified): climb from it (ascent, then Newton) and keep
    the exact point with the larger *certified* ratio.  Floats are not trusted for the choice: next
    to ``p`` both divergences are rounding noise and their float ratio can be anything, which is
    how a search lands on ``q ~ p`` for a near-uniform anchor."""
    found = tuple(violation[s] for s in prob.q)
    start = np.array([float(v) for v in found])
    if not np.all(start > 0):  # a centre on a face: the ascent keeps zeros at zero, so start just inside
        start = (1 - INSIDE) * start + INSIDE / len(start)
    climbed, _ = climb(functions, start)
    candidates = [found, exact_point(climbed, prob.anchor)]
    return max(candidates + [current], key=lambda pt: _certified_lower(prob, pt))


def _certified_lower(prob: RatioProblem, point: Sequence[Fraction]) -> Fraction | float:
    """The lower end of ``R``'s enclosure at an exact point (``-inf`` when it is unbounded below)."""
    lo = ratio_enclosure(prob, point).lo
    return fraction_of(lo) if lo.is_finite() else -math.inf
