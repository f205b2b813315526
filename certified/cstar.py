"""The certified part of the c* theorem: ``dR/dm < 0`` above the anchor, cell by cell.

For the linear anchor (F1) at ``n = 2`` with anchor ``p = (m, 1 - m)`` and student
``q = (q_1, 1 - q_1)``, the ratio is ``R(q_1; alpha, m) = KL(Tq||p) / KL(q||p)`` and
``h(alpha, m) = sup_{q_1 != m} R``.  The theorem (:mod:`kdaxioms.proofs.cstar_theorem`) needs

    dR/dm (at fixed q_1) < 0      for every q_1 >= m,   (alpha, m) in the box,

which this module certifies on a cell ``[alpha] x [m]`` by interval branch and bound
(:func:`~.branch.certify_nonnegative`, strict) in two pieces:

* **near the anchor**, ``0 <= d <= (1 - m_lo)/2`` with ``d = q_1 - m``: both divergences vanish to
  second order at ``d = 0``, so they are written as ``KL(x||p) = sum_i (delta_i^2/p_i) psi_0(delta_i/p_i)``
  with ``delta = x - p`` (:mod:`.psi`); ``d^2`` cancels and ``R = N/D`` with ``N, D`` smooth and
  ``D > 0``.  With ``L = d/dm - d/dd`` (the derivative in ``m`` at fixed ``q_1``) the sign of
  ``dR/dm`` is that of ``G = L[N] D - N L[D]``;
* **far from it**, ``q_1 >= (1 + m_lo)/2``: ``KL(q||p) > 0`` there, and the sign of ``dR/dm`` is that
  of ``G = (dK_T/dm) K - K_T (dK/dm)``, with ``K`` in ``x log x`` form (bounded at ``q_2 = 0``) and
  ``K_T`` in ``psi_0`` form (no cancellation when ``1 - alpha`` is small).

Both ``G`` are ``O(alpha)``: at ``alpha = 0`` the operator is the identity, ``R = 1`` and ``G = 0``
(:func:`check_from_zero`), while each is a difference of two ``O(1)`` products, so for small
``alpha`` the enclosures of ``G`` need cells of width ``O(alpha)``.  A cell with ``alpha <=``
:data:`FROM_ZERO_BELOW` is therefore certified **from zero**: ``G(alpha) = int_0^alpha dG/dalpha``,
so ``dG/dalpha > 0`` on ``[0, alpha_hi]`` (enclosed without the cancellation) gives ``G > 0`` on
``(0, alpha_hi]``.  At ``q_2 = 0`` and ``alpha = 0`` the far ``dG/dalpha`` is unbounded (``G`` grows like
``alpha |log alpha|`` there), so the far piece of such a cell stops at ``q_1 =`` :data:`FAR_SPLIT`
and an **edge** piece certifies ``G`` itself on ``[alpha_lo, alpha_hi] x [FAR_SPLIT, 1]``.

Every expression is derived by SymPy from the operator model (``linear_anchor``) and the KL
divergence of the registry; the ``psi`` rewriting is an identity SymPy checks
(:func:`check_rewriting`).  A cell is ``proved`` when every cover is complete; a certified
point where ``G > 0`` fails is reported (the sufficient condition fails there, which is not yet a
counterexample to the monotonicity of ``h``); a cover out of budget, or a point where only
``dG/dalpha > 0`` fails, leaves the cell ``unknown``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Mapping

import sympy as sp

from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.families import linear_anchor
from kdaxioms.symbolic.model import vector_symbols
from kdaxioms.symbolic.points import fraction

from .branch import Cover, Region, certify_nonnegative
from .psi import psi, psi_expr
from .xlogx_form import xlogx_form

ALPHA, M, D, Q1 = (sp.Symbol(s, positive=True) for s in ("alpha", "m", "d", "q_1"))
#: Cells per cover (near, far, edge) of one task.
BUDGET = 400_000
#: A cell whose ``alpha`` is at most this is certified from ``alpha = 0`` (module docstring).
FROM_ZERO_BELOW = Fraction(1, 4)
#: Where the far piece of a from-zero cell hands over to the edge piece.
FAR_SPLIT = Fraction(19, 20)


@dataclass(frozen=True)
class Setting:
    """The model at ``n = 2``: ``T``, ``p`` and ``q`` in the symbols ``alpha``, ``m``, ``q_1``."""

    t: tuple[sp.Expr, sp.Expr]
    p: tuple[sp.Expr, sp.Expr]
    q: tuple[sp.Expr, sp.Expr]


@lru_cache(maxsize=1)
def setting() -> Setting:
    op = linear_anchor()
    (a,) = op.parameter_symbols
    p_sym, q_sym = vector_symbols("p", 2), vector_symbols("q", 2)
    subs = {a: ALPHA, p_sym[0]: M, p_sym[1]: 1 - M, q_sym[0]: Q1, q_sym[1]: 1 - Q1}
    return Setting(tuple(c.xreplace(subs) for c in op.vector(2)), (M, 1 - M), (Q1, 1 - Q1))


def check_rewriting() -> tuple[str, ...]:
    """The identities behind the near form, checked exactly by SymPy (``ModelError`` if one fails)."""
    s = setting()
    P, X = sp.symbols("P X", positive=True)
    kl = divergence("kl").coordinate(X, P)
    generic = P * psi_expr((X - P) / P) - (kl - (X - P))
    if sp.simplify(sp.expand_log(generic, force=True)) != 0:
        raise ModelError("p psi((x - p)/p) = x log(x/p) - (x - p) is not confirmed by SymPy")
    for name, x in (("q", s.q), ("Tq", s.t)):
        if sp.expand(sum(xi - pi for xi, pi in zip(x, s.p))) != 0:
            raise ModelError(f"the coordinates of {name} - p do not sum to 0")
    return ("p psi((x-p)/p) = x log(x/p) - (x-p) for x, p > 0 (SymPy)",
            "sum_i (q_i - p_i) = 0 and sum_i (T_i - p_i) = 0 (SymPy), so KL(x||p) = sum_i p_i psi((x_i-p_i)/p_i)")


def confirm_zero(expr: sp.Expr, what: str) -> None:
    """Raise :class:`ModelError` unless SymPy confirms ``expr == 0`` (logarithms split after factoring
    their arguments; every symbol here is positive, as are the arguments of the logarithms on the
    domain).  SymPy not confirming proves nothing either way: the step that needs it is not taken."""
    expr = expr.replace(sp.log, lambda arg: sp.log(sp.factor(sp.together(arg))))
    if sp.simplify(sp.expand_log(expr, force=True)) != 0:
        raise ModelError(f"{what}: SymPy does not confirm the identity")


def psi_kl(x: tuple[sp.Expr, sp.Expr], p: tuple[sp.Expr, sp.Expr]) -> sp.Expr:
    """``KL(x||p) = sum_i (delta_i^2 / p_i) psi_0(delta_i / p_i)``, ``delta = x - p`` (see :func:`check_rewriting`)."""
    deltas = [sp.factor(sp.expand(xi - pi)) for xi, pi in zip(x, p)]
    return sp.Add(*(delta**2 / pi * psi(0)(delta / pi) for delta, pi in zip(deltas, p)))


def _over_d2(x: tuple[sp.Expr, sp.Expr], p: tuple[sp.Expr, sp.Expr]) -> sp.Expr:
    """``KL(x||p) / d^2`` in (alpha, m, d), ``d = q_1 - m``: each ``delta_i`` is a multiple of ``d``."""
    out = sp.Integer(0)
    for xi, pi in zip(x, p):
        delta = sp.factor(sp.expand((xi - pi).xreplace({Q1: M + D})))
        scaled = sp.cancel(delta / D)
        if scaled.has(D):
            raise ModelError(f"x - p = {delta} is not a multiple of d = q_1 - m")
        out += scaled**2 / pi * psi(0)(delta / pi)
    return out


@lru_cache(maxsize=1)
def near_function() -> sp.Expr:
    """``-(L[N] D - N L[D])``, ``L = d/dm - d/dd`` (positive iff ``dR/dm < 0`` at fixed ``q_1``)."""
    s = setting()
    num, den = _over_d2(s.t, s.p), _over_d2(s.q, s.p)
    L = lambda e: sp.diff(e, M) - sp.diff(e, D)  # noqa: E731
    return -(L(num) * den - num * L(den))


@lru_cache(maxsize=1)
def _far_parts() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """``K_T`` in ``psi_0`` form, ``K`` in ``x log x`` form (:func:`xlogx_form` confirms the identity)
    and ``K`` as the registry's KL gives it."""
    s = setting()
    k = divergence("kl").total(s.q, s.p)
    return psi_kl(s.t, s.p), xlogx_form(k, (Q1,)), k


@lru_cache(maxsize=1)
def far_function() -> sp.Expr:
    """``-((dK_T/dm) K - K_T dK/dm)`` (positive iff ``dR/dm < 0`` where ``K > 0``), with ``K_T`` in
    ``psi_0`` form (it is ``O((1-alpha)^2)``: written as a sum of ``x log x`` terms it would be a
    cancellation of ``O(1-alpha)`` terms) and ``K`` in ``x log x`` form (bounded at ``q_2 = 0``)."""
    kt, kx, k = _far_parts()
    return -(sp.diff(kt, M) * kx - kt * sp.expand(sp.diff(k, M)))


@lru_cache(maxsize=None)
def alpha_derivative(piece: str) -> sp.Expr:
    """``dG/dalpha`` of the ``"near"`` or ``"far"`` function (SymPy differentiates)."""
    return sp.diff({"near": near_function, "far": far_function}[piece](), ALPHA)


@lru_cache(maxsize=1)
def check_from_zero() -> tuple[str, ...]:
    """``G(0, .) = 0`` for both functions, checked exactly (``ModelError`` if SymPy does not confirm it).

    Near: at ``alpha = 0`` SymPy evaluates ``T`` to ``q``, so ``N`` and ``D`` are the same expression
    and ``L[N] D - N L[D]`` evaluates to 0.  Far: ``K_T`` at ``alpha = 0`` minus the model's ``KL(q||p)``
    is confirmed 0, and the ``x log x`` form of ``K`` is an identity, so ``G(0) = -(K_m K - K K_m) = 0``."""
    if near_function().xreplace({ALPHA: 0}) != 0:
        raise ModelError("the near function does not evaluate to 0 at alpha = 0")
    kt, _, k = _far_parts()
    confirm_zero(kt.xreplace({ALPHA: 0}).rewrite(sp.log) - k, "KL(Tq||p) at alpha = 0 in psi_0 form is KL(q||p)")
    return ("near: at alpha = 0, T = q and L[N] D - N L[D] evaluates to 0 (SymPy)",
            "far: KL(Tq||p) in psi_0 form at alpha = 0 minus KL(q||p) is 0 (SymPy), and the x log x form of "
            "KL(q||p) is an identity (SymPy), so -((dK_T/dm) K - K_T dK/dm) = 0 at alpha = 0")


def near_region(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction]) -> Region:
    """``(alpha, m, d)`` with ``0 <= d <= (1 - m_lo)/2``: ``q_1 = m + d`` stays below 1 and
    ``-d/(1 - m) > -1`` (``psi_0`` and its derivatives are bounded) because ``2 m_hi - m_lo < 1``; with
    :func:`far_region` it covers ``m <= q_1 <= 1`` for every ``m`` of the cell."""
    top = (1 - m[0]) / 2
    return Region((ALPHA, M, D), (alpha, m, (Fraction(0), top)), (),
                  f"alpha in [{alpha[0]}, {alpha[1]}], m in [{m[0]}, {m[1]}], 0 <= q_1 - m <= {top}")


def far_region(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction],
               q1: tuple[Fraction | None, Fraction] = (None, Fraction(1))) -> Region:
    """``(alpha, m, q_1)`` with ``(1 + m_lo)/2 <= q_1 <= 1`` (or the given ``q_1`` range inside it):
    ``q_1 > m_hi``, so ``KL(q||p) > 0``."""
    low = (1 + m[0]) / 2 if q1[0] is None else q1[0]
    if not (1 + m[0]) / 2 <= low < q1[1] <= 1:
        raise ModelError(f"q_1 in [{low}, {q1[1]}] is not inside the far range [{(1 + m[0]) / 2}, 1]")
    return Region((ALPHA, M, Q1), (alpha, m, (low, q1[1])), (),
                  f"alpha in [{alpha[0]}, {alpha[1]}], m in [{m[0]}, {m[1]}], {low} <= q_1 <= {q1[1]}")


@dataclass(frozen=True)
class Piece:
    """One cover of a cell: ``name`` (near, far, edge), whether it certifies ``G`` itself or
    ``dG/dalpha`` from zero, and the cover."""

    name: str
    derivative: bool
    cover: Cover


@dataclass(frozen=True)
class CellResult:
    alpha: tuple[Fraction, Fraction]
    m: tuple[Fraction, Fraction]
    pieces: tuple[Piece, ...]
    seconds: float

    @property
    def form(self) -> str:
        return "from-zero" if any(p.derivative for p in self.pieces) else "direct"

    @property
    def proved(self) -> bool:
        return all(p.cover.complete for p in self.pieces)

    @property
    def violation(self) -> dict | None:
        """A certified point where ``G > 0`` fails; a point where only ``dG/dalpha > 0`` fails is not one."""
        return next((p.cover.violation for p in self.pieces if not p.derivative and p.cover.violation), None)

    def cells(self, name: str) -> int:
        return sum(p.cover.cells for p in self.pieces if p.name == name)


def certify_cell(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction], budget: int = BUDGET) -> CellResult:
    """Every cover of one ``[alpha] x [m]`` cell (see the module docstring): directly, or from zero
    when ``alpha_hi <= FROM_ZERO_BELOW``."""
    began = time.perf_counter()

    def cover(expr: sp.Expr, region: Region) -> Cover:
        return certify_nonnegative(expr, region, strict=True, budget=budget, smear=True)

    if alpha[1] <= FROM_ZERO_BELOW:
        check_from_zero()
        zero = (Fraction(0), alpha[1])
        pieces = (Piece("near", True, cover(alpha_derivative("near"), near_region(zero, m))),
                  Piece("far", True, cover(alpha_derivative("far"), far_region(zero, m, (None, FAR_SPLIT)))),
                  Piece("edge", False, cover(far_function(), far_region(alpha, m, (FAR_SPLIT, Fraction(1))))))
    else:
        pieces = (Piece("near", False, cover(near_function(), near_region(alpha, m))),
                  Piece("far", False, cover(far_function(), far_region(alpha, m))))
    return CellResult(alpha, m, pieces, time.perf_counter() - began)


# -- as a sweep task ----------------------------------------------------------------------------

def _box(params: Mapping[str, str]) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
    try:
        alpha = tuple(fraction(v) for v in params["alpha"].split(":"))
        m = tuple(fraction(v) for v in params["m"].split(":"))
    except KeyError as err:
        raise InputError(f"a cstar-cell task needs the grid axes alpha and m (cells \"lo:hi\"); {err.args[0]} "
                         "is missing") from None
    if len(alpha) != 2 or len(m) != 2:
        raise InputError(f"cell alpha = {params['alpha']}, m = {params['m']}: write each as an interval \"lo:hi\"")
    if not (0 < alpha[0] <= alpha[1] < 1 and 0 < m[0] <= m[1] < Fraction(1, 2)):
        raise InputError(f"cell alpha in [{alpha[0]}, {alpha[1]}], m in [{m[0]}, {m[1]}] is outside "
                         "0 < alpha < 1, 0 < m < 1/2")
    return alpha, m


def check_cell(params: Mapping[str, str], settings: Mapping[str, Any]) -> None:
    _box(params)
    extra = sorted(set(settings) - {"budget", "seed"})
    if extra:
        raise InputError(f"[sweep] {extra[0]} is not a setting of a cstar-cell sweep (its setting: budget)")
    budget = settings.get("budget", BUDGET)
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= 10**8:
        raise InputError(f"[sweep] budget = {budget!r} must be a number of cells in [1, 10^8]")


def run_cell(params: Mapping[str, str], settings: Mapping[str, Any]) -> dict:
    """The task of one cell: ``proved`` (every cover complete), ``open`` (a certified point where
    ``dR/dm >= 0`` might hold: the sufficient condition fails) or ``unknown`` (out of budget)."""
    alpha, m = _box(params)
    r = certify_cell(alpha, m, int(settings.get("budget", BUDGET)))
    scope = f"alpha in [{alpha[0]}, {alpha[1]}]; m in [{m[0]}, {m[1]}]; m <= q_1 <= 1"
    verdict = "proved" if r.proved else ("open" if r.violation else "unknown")
    point = r.violation
    return {"verdict": verdict, "scope": scope, "form": r.form, "near_cells": r.cells("near"),
            "far_cells": r.cells("far"), "edge_cells": r.cells("edge"), "cells": sum(p.cover.cells for p in r.pieces),
            "point": None if point is None else ",".join(f"{k}={v}" for k, v in point.items()),
            "uncovered": sum(p.cover.uncovered for p in r.pieces)}
