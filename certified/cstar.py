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

Every expression is derived by SymPy from the operator model (``linear_anchor``) and the KL
divergence of the registry; the ``psi`` rewriting is an identity SymPy checks
(:func:`check_rewriting`).  A cell is ``proved`` when both covers are complete; a certified
point where ``G > 0`` is reported (the sufficient condition fails there, which is not yet a
counterexample to the monotonicity of ``h``); a cover out of budget leaves the cell ``unknown``.
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
#: Cells per cover (near and far) of one task.
BUDGET = 400_000


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
def far_function() -> sp.Expr:
    """``-((dK_T/dm) K - K_T dK/dm)`` (positive iff ``dR/dm < 0`` where ``K > 0``), with ``K_T`` in
    ``psi_0`` form (it is ``O((1-alpha)^2)``: written as a sum of ``x log x`` terms it would be a
    cancellation of ``O(1-alpha)`` terms) and ``K`` in ``x log x`` form (bounded at ``q_2 = 0``)."""
    s = setting()
    k = divergence("kl").total(s.q, s.p)
    kt = psi_kl(s.t, s.p)
    return -(sp.diff(kt, M) * xlogx_form(k, (Q1,)) - kt * sp.expand(sp.diff(k, M)))


def near_region(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction]) -> Region:
    """``(alpha, m, d)`` with ``0 <= d <= (1 - m_lo)/2``: ``q_1 = m + d`` stays below 1 and
    ``-d/(1 - m) > -1`` (``psi_0`` and its derivatives are bounded) because ``2 m_hi - m_lo < 1``; with
    :func:`far_region` it covers ``m <= q_1 <= 1`` for every ``m`` of the cell."""
    top = (1 - m[0]) / 2
    return Region((ALPHA, M, D), (alpha, m, (Fraction(0), top)), (),
                  f"alpha in [{alpha[0]}, {alpha[1]}], m in [{m[0]}, {m[1]}], 0 <= q_1 - m <= {top}")


def far_region(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction]) -> Region:
    """``(alpha, m, q_1)`` with ``(1 + m_lo)/2 <= q_1 <= 1``: ``q_1 > m_hi``, so ``KL(q||p) > 0``."""
    low = (1 + m[0]) / 2
    return Region((ALPHA, M, Q1), (alpha, m, (low, Fraction(1))), (),
                  f"alpha in [{alpha[0]}, {alpha[1]}], m in [{m[0]}, {m[1]}], {low} <= q_1 <= 1")


@dataclass(frozen=True)
class CellResult:
    alpha: tuple[Fraction, Fraction]
    m: tuple[Fraction, Fraction]
    near: Cover
    far: Cover
    seconds: float

    @property
    def proved(self) -> bool:
        return self.near.complete and self.far.complete

    @property
    def violation(self) -> dict | None:
        return self.near.violation or self.far.violation


def certify_cell(alpha: tuple[Fraction, Fraction], m: tuple[Fraction, Fraction], budget: int = BUDGET) -> CellResult:
    """Both covers of one ``[alpha] x [m]`` cell (see the module docstring)."""
    began = time.perf_counter()
    near = certify_nonnegative(near_function(), near_region(alpha, m), strict=True, budget=budget, smear=True)
    far = certify_nonnegative(far_function(), far_region(alpha, m), strict=True, budget=budget, smear=True)
    return CellResult(alpha, m, near, far, time.perf_counter() - began)


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
    """The task of one cell: ``proved`` (both covers complete), ``open`` (a certified point where
    ``dR/dm >= 0`` might hold: the sufficient condition fails) or ``unknown`` (out of budget)."""
    alpha, m = _box(params)
    r = certify_cell(alpha, m, int(settings.get("budget", BUDGET)))
    scope = f"alpha in [{alpha[0]}, {alpha[1]}]; m in [{m[0]}, {m[1]}]; m <= q_1 <= 1"
    verdict = "proved" if r.proved else ("open" if r.violation else "unknown")
    point = r.violation
    return {"verdict": verdict, "scope": scope, "near_cells": r.near.cells, "far_cells": r.far.cells,
            "cells": r.near.cells + r.far.cells,
            "point": None if point is None else ",".join(f"{k}={v}" for k, v in point.items()),
            "uncovered": r.near.uncovered + r.far.uncovered}
