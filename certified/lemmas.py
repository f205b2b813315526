"""Exact lemmas for the cells where interval enclosures cannot decide: near an equality set.

:class:`SegmentConvexity` certifies ``F(q) >= 0`` on a cell that may contain the anchor ``q = p``
(where ``F = 0`` and plain enclosures always straddle ``0``).  Its hypotheses are checked once by
SymPy, its last one on each cell by interval arithmetic:

1. ``F(p) = 0`` (SymPy simplifies ``F`` at ``q = p`` to ``0``);
2. the gradient of ``F`` in the student coordinates ``q_1..q_n`` is the same in every coordinate
   at ``q = p``, so ``grad F(p) . (q - p) = 0`` whenever ``q`` and ``p`` lie in the simplex;
3. ``F`` is separable in ``q`` (every mixed second derivative is identically ``0``), so its
   Hessian in ``q`` is diagonal, with entries ``h_i = d^2 F / d q_i^2``;
4. on the cell, with each ``q_i`` widened to the hull of its range and the anchor's range (which
   contains the whole segment from ``p`` to ``q``), every ``h_i >= 0``.  Each ``h_i`` is put over a
   common denominator and factored by SymPy; numerator factors get their signs from interval
   enclosures, and every denominator factor must be affine in ``q`` with a sign at ``q = p`` that
   SymPy decides under the domain assumptions and that the enclosure confirms (not strictly) on
   the hull, so it cannot vanish inside the segment.

Then ``t -> F(p + t (q - p))`` is convex on ``[0, 1]`` with value and slope ``0`` at ``t = 0``,
hence ``F(q) >= 0``.  (Applied to a whole domain this is a convexity proof; the branch-and-bound
applies it only to the cells its policy allows.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from kdaxioms.symbolic.errors import ModelError

from .branch import Region
from .intervals import Interval, IntervalProgram
from .xlogx_form import as_log, collected


def _zero(expr: sp.Expr) -> bool:
    expr = sp.expand(sp.expand_log(as_log(expr), force=True))
    return expr == 0 or sp.simplify(expr) == 0


@dataclass(frozen=True)
class _Factor:
    program: IntervalProgram
    power: int
    sign_at_anchor: int  # 0 for numerator factors (sign from the enclosure)


class SegmentConvexity:
    """``F >= 0`` on a cell by convexity of ``F`` along every segment from the anchor (see module)."""

    def __init__(self, expr: sp.Expr, region: Region, moving: Sequence[sp.Symbol], anchors: Sequence[sp.Expr],
                 assumptions: sp.Basic = sp.true, name: str = "segment convexity"):
        self.name = name
        self.region = region
        symbols = region.symbols
        self._index = {s: k for k, s in enumerate(symbols)}
        at_anchor = dict(zip(moving, anchors))
        self.steps: list[str] = []
        if not _zero(expr.xreplace(at_anchor)):
            raise ModelError(f"{name}: F does not vanish at q = p")
        grads = [sp.diff(expr, q).xreplace(at_anchor) for q in moving]
        if not all(_zero(g - grads[0]) for g in grads[1:]):
            raise ModelError(f"{name}: the gradient at q = p is not constant across coordinates")
        for i, qi in enumerate(moving):
            for qj in moving[i + 1:]:
                if not _zero(sp.diff(expr, qi, qj)):
                    raise ModelError(f"{name}: F is not separable in {qi}, {qj}")
        self.steps.append(rf"$F|_{{q=p}} = 0$, $\partial F/\partial q_i|_{{q=p}} = {sp.latex(sp.simplify(as_log(grads[0])))}$ "
                          r"for every $i$, and every mixed second derivative in $q$ vanishes")
        self._moving = [(self._index[q], a) for q, a in zip(moving, anchors)]
        self._entries: list[tuple[int, list[_Factor]]] = []
        for q in moving:
            entry = sp.factor(sp.together(sp.diff(expr, q, 2)))
            numer, denom = sp.fraction(entry)
            coeff_n, factors_n = sp.factor_list(numer)
            coeff_d, factors_d = sp.factor_list(denom)
            sign = int(sp.sign(coeff_n / coeff_d))
            factors = [_Factor(IntervalProgram(collected(f, moving), symbols), k, 0) for f, k in factors_n]
            for f, k in factors_d:
                sign_at_anchor = self._denominator_sign(f, moving, at_anchor, assumptions)
                factors.append(_Factor(IntervalProgram(collected(f, moving), symbols), k, sign_at_anchor))
            self._entries.append((sign, factors))
            self.steps.append(rf"$\partial^2 F/\partial {sp.latex(q)}^2 = {sp.latex(entry)}$")

    @staticmethod
    def _denominator_sign(f: sp.Expr, moving, at_anchor, assumptions) -> int:
        poly = sp.Poly(f, *moving)
        if poly.total_degree() > 1:
            raise ModelError(f"denominator factor {f} is not affine in the student coordinates")
        value = sp.simplify(f.xreplace(at_anchor))
        if sp.ask(sp.Q.positive(value), assumptions) is True:
            return 1
        if sp.ask(sp.Q.negative(value), assumptions) is True:
            return -1
        raise ModelError(f"the sign of denominator factor {f} at q = p is not decided")

    def _hull(self, values: list[Interval]) -> list[Interval]:
        out = list(values)
        for k, anchor in self._moving:
            a = values[self._index[anchor]] if anchor in self._index else Interval.exact(sp.Rational(anchor))
            out[k] = values[k].hull(a)
        return out

    def certifies(self, values: list[Interval]) -> bool:
        hull = self._hull(values)
        for sign, factors in self._entries:
            total = sign
            for f in factors:
                enc = f.program(hull)
                if f.sign_at_anchor:
                    s = f.sign_at_anchor
                    if not ((s > 0 and enc.lo >= 0) or (s < 0 and enc.hi <= 0)):
                        return False
                elif f.power % 2 == 0:
                    continue
                elif enc.lo >= 0:
                    s = 1
                elif enc.hi <= 0:
                    s = -1
                else:
                    return False
                if f.power % 2 == 1:
                    total *= s
            if total < 0:  # weak signs: +1 means >= 0, -1 means <= 0
                return False
        return True
