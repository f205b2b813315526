"""Seeded multi-start search for the argmax of C4's ratio ``R(q) = KL(Tq||p) / KL(q||p)`` (F1).

Floats only: the result is a *proposal* (where ``c*(alpha, p) = sup_{q != p} R(q)`` seems to be
attained), never a bound.  :mod:`.tightness` makes the proposal exact and certifies the ratio
there (a lower bound on ``c*``) and an upper bound over the whole simplex.

Every formula comes from the operator model: ``T`` is the linear anchor translated by
:func:`~.translate.numeric_operator`, KL is :func:`~.translate.numeric_divergence`, and the
first and second derivatives of the KL term and of the component ``T_i`` in ``q_i`` are taken by
SymPy from the model and lambdified.  (F1 is separable: ``T_i`` depends on ``q_i`` only, so the
Hessians of both divergences in ``q`` are diagonal.)

1. **Multi-start ascent**, vectorized over the starts (flat and sparse Dirichlet draws from a
   seeded generator): exponentiated-gradient steps ``q <- q exp(eta (g - <q, g>)) / Z`` keep every
   start inside the simplex; each start adapts its own step (grown after an improvement, halved
   and undone after a failure).
2. **Newton polish** of the best start in the free coordinates ``q_1..q_{n-1}`` (``q_n = 1 - sum``),
   with the exact Hessian of ``R`` assembled from the diagonal pieces, until the projected
   gradient is at rounding level.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from kdaxioms.symbolic.divergences import X, Y, divergence
from kdaxioms.symbolic.families import linear_anchor
from kdaxioms.symbolic.model import coordinate_symbol

from .translate import numeric_divergence, numeric_operator

#: Default number of starts, Dirichlet concentrations they are drawn from, ascent iterations.
STARTS, CONCENTRATIONS, ITERATIONS = 32, (1.0, 0.3), 200
#: Newton steps at most, and the projected-gradient norm at which the polish stops.
NEWTON_STEPS, GRADIENT_TOL = 40, 1e-13


@dataclass(frozen=True)
class RatioFunctions:
    """``R``, its gradient and its Hessian in ``q`` (ambient coordinates), vectorized over rows."""

    alpha: float
    anchor: np.ndarray
    _operator: Callable
    _kl: Callable
    _dkl: Callable
    _d2kl: Callable
    _dT: Callable
    _d2T: Callable

    def parts(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(T(q), KL(Tq||p), KL(q||p))`` for rows ``q`` of shape ``(..., n)``."""
        t = self._operator([np.broadcast_to(self.anchor, q.shape), q], [self.alpha])
        return t, self._kl(t, self.anchor), self._kl(q, self.anchor)

    def value(self, q: np.ndarray) -> np.ndarray:
        _, num, den = self.parts(q)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / den, -np.inf)

    def gradient(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(R, dR/dq)`` with ``dR/dq_i = (dN/dq_i - R dD/dq_i) / D``."""
        t, num, den = self.parts(q)
        p = self.anchor
        with np.errstate(divide="ignore", invalid="ignore"):
            r = num / den
            g_num = self._dkl(t, p) * self._dT(p, q, self.alpha)
            g_den = self._dkl(q, p)
            grad = (g_num - r[..., None] * g_den) / den[..., None]
        return r, grad

    def hessian(self, q: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """``(R, grad R, Hess R)`` at one point ``q`` of shape ``(n,)``."""
        t, num, den = self.parts(q)
        p, a = self.anchor, self.alpha
        r = num / den
        dT = self._dT(p, q, a) * np.ones_like(q)
        g_num, g_den = self._dkl(t, p) * dT, self._dkl(q, p)
        h_num = np.diag(self._d2kl(t, p) * dT**2 + self._dkl(t, p) * self._d2T(p, q, a))
        h_den = np.diag(self._d2kl(q, p))
        grad = (g_num - r * g_den) / den
        hess = (h_num - r * h_den - np.outer(grad, g_den) - np.outer(g_den, grad)) / den
        return float(r), grad, hess


def ratio_functions(alpha: Fraction, anchor: Sequence[Fraction]) -> RatioFunctions:
    """The numeric ``R`` of F1 at ``alpha`` and ``anchor``, translated from the model."""
    op, kl = linear_anchor(), divergence("kl")
    (a_sym,) = op.parameter_symbols
    p_i, q_i = coordinate_symbol("p"), coordinate_symbol("q")
    component = op.coordinate()
    translate = sp.lambdify
    dT = translate((p_i, q_i, a_sym), sp.diff(component, q_i), "numpy")
    d2T = translate((p_i, q_i, a_sym), sp.diff(component, q_i, 2), "numpy")
    dkl = translate((X, Y), sp.diff(kl.term, X), "numpy")
    d2kl = translate((X, Y), sp.diff(kl.term, X, 2), "numpy")
    return RatioFunctions(float(alpha), np.array([float(v) for v in anchor]), numeric_operator(op).evaluate,
                          numeric_divergence(kl), dkl, d2kl, dT, d2T)


@dataclass(frozen=True)
class Proposal:
    """The best point found (floats), its ratio, and what the search did."""

    argmax: np.ndarray
    value: float
    starts: int
    seconds: float
    polished: bool


def _ascend(f: RatioFunctions, q: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Exponentiated-gradient ascent of every row of ``q`` with per-row adaptive steps."""
    eta = np.full(q.shape[0], 0.5)
    r, g = f.gradient(q)
    for _ in range(iterations):
        centred = g - np.sum(q * g, axis=-1, keepdims=True)
        step = np.clip(eta[:, None] * centred, -30.0, 30.0)
        trial = q * np.exp(step)
        trial /= trial.sum(axis=-1, keepdims=True)
        r_new, g_new = f.gradient(trial)
        better = np.isfinite(r_new) & np.all(np.isfinite(g_new), axis=-1) & (r_new >= r)
        q = np.where(better[:, None], trial, q)
        r = np.where(better, r_new, r)
        g = np.where(better[:, None], g_new, g)
        eta = np.where(better, eta * 1.5, eta * 0.5)
    return q, r


def polish(f: RatioFunctions, q: np.ndarray, steps: int = NEWTON_STEPS) -> tuple[np.ndarray, bool]:
    """Newton on the free coordinates from ``q`` (interior); ``(point, converged)``."""
    n = q.shape[0]
    jac = np.vstack([np.eye(n - 1), -np.ones((1, n - 1))])
    r, grad, hess = f.hessian(q)
    for _ in range(steps):
        g_free = jac.T @ grad
        if np.linalg.norm(g_free) < GRADIENT_TOL:
            return q, True
        h_free = jac.T @ hess @ jac
        try:
            step = jac @ np.linalg.solve(h_free, -g_free)
        except np.linalg.LinAlgError:
            return q, False
        trial = q + step
        if np.any(trial <= 0) or not np.all(np.isfinite(trial)):
            return q, False
        r_new, grad_new, hess_new = f.hessian(trial)
        if not np.isfinite(r_new) or r_new < r - 1e-15:
            return q, False
        q, r, grad, hess = trial, r_new, grad_new, hess_new
    return q, bool(np.linalg.norm(jac.T @ grad) < GRADIENT_TOL * 100)


def climb(f: RatioFunctions, q: np.ndarray, iterations: int = ITERATIONS) -> tuple[np.ndarray, bool]:
    """From one interior point: the ascent of :func:`propose` (it never decreases ``R``, so it also
    leaves the flat or convex regions where Newton alone stalls), then the Newton polish."""
    ascended, _ = _ascend(f, q[None, :], iterations)
    return polish(f, ascended[0])


def starting_points(rng: np.random.Generator, n: int, starts: int) -> np.ndarray:
    """``starts`` interior points, alternately from flat and sparse Dirichlet laws."""
    rows = [rng.dirichlet(np.full(n, CONCENTRATIONS[k % len(CONCENTRATIONS)])) for k in range(starts)]
    q = np.maximum(np.array(rows), 1e-12)
    return q / q.sum(axis=-1, keepdims=True)


def propose(alpha: Fraction, anchor: Sequence[Fraction], seed: int = 0, starts: int = STARTS,
            iterations: int = ITERATIONS, functions: RatioFunctions | None = None) -> Proposal:
    """Seeded multi-start ascent of ``R`` then a Newton polish of the best start (floats only)."""
    began = time.perf_counter()
    f = functions or ratio_functions(alpha, anchor)
    q0 = starting_points(np.random.default_rng(seed), len(anchor), starts)
    q, r = _ascend(f, q0, iterations)
    best = int(np.nanargmax(np.where(np.isfinite(r), r, -np.inf)))
    point, converged = polish(f, q[best])
    return Proposal(point, float(f.value(point)), starts, time.perf_counter() - began, converged)
