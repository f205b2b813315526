"""The named lemmas of the c* theorem, each with its conditions and the exact checks SymPy makes.

The theorem (:mod:`kdaxioms.proofs.cstar_theorem`) is: for the linear anchor (F1),

    c*(alpha, p) = h(alpha, min_i p_i),   h(alpha, m) = c*(alpha, (m, 1 - m)),

for every support size ``n`` and every anchor whose coordinates lie where ``h`` is certified
non-increasing.  The chain:

* ``phi-sign`` (SymPy): with ``q_i = p_i x_i`` the model gives ``T_i / p_i = alpha + (1-alpha) x_i``
  and ``u KL(q||p) - KL(Tq||p) = sum_i p_i phi(x_i)``, ``phi(x) = u x log x - t log t``,
  ``t = alpha + (1-alpha) x``; and ``x t phi''(x) = u alpha - (1-alpha)(1-alpha-u) x``.
* ``convex-then-concave`` (from ``phi-sign``): for ``u < 1 - alpha`` the sign of ``phi''`` is that of a
  decreasing linear function, positive at 0 and zero at ``x0 = u alpha / ((1-alpha)(1-alpha-u))``:
  ``phi`` is convex on ``[0, x0]`` and concave on ``[x0, oo)``; for ``u >= 1 - alpha`` it is convex.
* ``concave-pair`` (SymPy differentiates): moving mass between two coordinates along the constraint,
  ``g(s) = p_i phi(x_i + s/p_i) + p_j phi(x_j - s/p_j)`` has ``g'' = phi''(x_i + s/p_i)/p_i + phi''(x_j - s/p_j)/p_j``;
  while both lie in the concave part ``g`` is concave and its minimum is at an end of the segment,
  where one of them reaches ``x0``: at a minimizer at most one coordinate lies in ``(x0, oo)``.
* ``jensen`` (condition: ``phi`` convex on ``[0, x0]``): the coordinates in ``[0, x0]`` replaced by their
  ``p``-weighted mean keep the constraint and do not increase ``sum_i p_i phi(x_i)``.
* ``reduction`` (SymPy checks the embedding): the minimum is therefore attained at
  ``q = (z p_k, y p_{-k})``, which is the ``n = 2`` problem of the anchor ``(p_k, 1 - p_k)``; so
  ``u >= c*(alpha, p)`` iff ``u >= h(alpha, p_k)`` for every ``k``, and ``c*(alpha, p) = max_k h(alpha, p_k)``.
* ``symmetry`` (SymPy): ``R(q_1; alpha, m) = R(1 - q_1; alpha, 1 - m)``, so ``h(alpha, m) = h(alpha, 1 - m)``.
* ``limit`` (the ``local-kl-ratio`` derivation): ``R -> (1-alpha)^2`` as ``q -> p``, so ``h >= (1-alpha)^2``.
* ``below-the-anchor`` (SymPy checks the identity; the mean value theorem and ``psi_1 < 0`` increasing
  finish it): for ``q_1 < m <= 1/2``, ``R(q_1; alpha, m) <= (1-alpha)^2``.
* ``psi`` (:func:`~.psi.check_psi_facts`): the facts about ``psi_k`` that the enclosures use.
* ``from-zero`` (SymPy checks ``G(0, .) = 0``; the fundamental theorem of calculus finishes it): the
  functions ``G`` whose sign the cover certifies vanish at ``alpha = 0``, so ``dG/dalpha > 0`` on
  ``[0, a]`` gives ``G > 0`` on ``(0, a]`` (the form of the cells with small ``alpha``).

Each lemma is a :class:`Lemma` whose ``checks`` are the exact identities SymPy confirmed; a check
that SymPy does not confirm raises :class:`~kdaxioms.symbolic.errors.ModelError` (the theorem is
then not stated).  The arguments in words (concavity, Jensen, the mean value theorem) are standard
analysis, named with their conditions.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from kdaxioms.symbolic.derivations import derivation
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.families import linear_anchor
from kdaxioms.symbolic.model import vector_symbols

from .cstar import ALPHA, M, Q1, check_from_zero, check_rewriting, confirm_zero, setting
from .psi import check_psi_facts, psi


@dataclass(frozen=True)
class Lemma:
    """A named step: ``checks`` are what SymPy confirmed in this run; ``arguments`` the standard
    analysis (Jensen, concavity, the mean value theorem) that the step also uses, in words."""

    name: str
    statement: str
    conditions: str
    checks: tuple[str, ...]
    arguments: tuple[str, ...] = ()


def _symbols():
    u, x, a = sp.symbols("u x alpha", positive=True)
    return u, x, a


def phi_sign() -> Lemma:
    u, x, a = _symbols()
    op, kl = linear_anchor(), divergence("kl")
    (a_sym,) = op.parameter_symbols
    p, q = vector_symbols("p", 2), vector_symbols("q", 2)
    pi, xi = sp.symbols("p_i x_i", positive=True)
    t_i = op.vector(2)[0].xreplace({a_sym: a, p[0]: pi, q[0]: pi * xi})
    confirm_zero(t_i / pi - (a + (1 - a) * xi), "T_i / p_i = alpha + (1-alpha) x_i")
    t = a + (1 - a) * x
    lhs = u * kl.coordinate(pi * xi, pi) - kl.coordinate(t_i, pi)
    phi = u * x * sp.log(x) - t * sp.log(t)
    confirm_zero(lhs - pi * phi.xreplace({x: xi}), "u KL - KL_T = p_i phi(x_i) per coordinate")
    second = sp.diff(phi, x, 2)
    confirm_zero(x * t * second - (u * a - (1 - a) * (1 - a - u) * x), "x t phi'' = u alpha - (1-alpha)(1-alpha-u) x")
    return Lemma("phi-sign", "x t phi''(x) = u alpha - (1-alpha)(1-alpha-u) x, with u KL(q||p) - KL(Tq||p) = "
                 "sum_i p_i phi(x_i), x_i = q_i/p_i, phi(x) = u x log x - t log t, t = alpha + (1-alpha) x",
                 "x > 0, 0 < alpha < 1, u > 0",
                 ("T_i/p_i = alpha + (1-alpha) x_i (model)", "u q_i log(q_i/p_i) - T_i log(T_i/p_i) = p_i phi(x_i)",
                  "x t phi''(x) = u alpha - (1-alpha)(1-alpha-u) x"))


def convex_then_concave() -> Lemma:
    u, x, a = _symbols()
    line = u * a - (1 - a) * (1 - a - u) * x
    root = sp.solve(sp.Eq(line, 0), x)
    if len(root) != 1:
        raise ModelError("the sign line of phi'' does not have one root")
    x0 = sp.simplify(root[0])
    confirm_zero(x0 - u * a / ((1 - a) * (1 - a - u)), "x0 = u alpha / ((1-alpha)(1-alpha-u))")
    confirm_zero(line.subs(x, 0) - u * a, "the sign line at x = 0 is u alpha > 0")
    confirm_zero(sp.diff(line, x) + (1 - a) * (1 - a - u), "the slope is -(1-alpha)(1-alpha-u)")
    return Lemma("convex-then-concave", "phi is convex on [0, x0] and concave on [x0, oo), "
                 "x0 = u alpha / ((1-alpha)(1-alpha-u)); convex on [0, oo) when u >= 1 - alpha",
                 "0 < u < 1 - alpha for the split (x t > 0 for x > 0)",
                 (f"x0 = {sp.sstr(x0)}", "sign line = u alpha at x = 0, slope -(1-alpha)(1-alpha-u)"),
                 ("the sign of phi'' is that of the sign line because x t > 0",))


def concave_pair() -> Lemma:
    s, pi, pj, xi, xj = sp.symbols("s p_i p_j x_i x_j", positive=True)
    f = sp.Function("phi")
    g = pi * f(xi + s / pi) + pj * f(xj - s / pj)
    expected = sp.diff(f(xi + s / pi), s, 2) * pi + sp.diff(f(xj - s / pj), s, 2) * pj
    confirm_zero(sp.diff(g, s, 2) - expected, "g''(s)")
    constraint = pi * (xi + s / pi) + pj * (xj - s / pj) - (pi * xi + pj * xj)
    confirm_zero(constraint, "the pair keeps sum p_k x_k")
    return Lemma("concave-pair", "two coordinates in the concave part can be moved along the constraint "
                 "(sum p_k x_k = 1) without increasing sum p_k phi(x_k) until one of them reaches x0 (or 0); "
                 "so at a minimizer at most one coordinate lies in (x0, oo)",
                 "both coordinates in [x0, oo) along the segment; u < 1 - alpha",
                 ("g''(s) = phi''(x_i + s/p_i)/p_i + phi''(x_j - s/p_j)/p_j (SymPy differentiates g)",
                  "p_i (x_i + s/p_i) + p_j (x_j - s/p_j) = p_i x_i + p_j x_j"),
                 ("a concave function on a segment is smallest at an end of it",))


def jensen() -> Lemma:
    return Lemma("jensen", "the coordinates in [0, x0] replaced by their p-weighted mean y keep sum p_k x_k and "
                 "do not increase sum p_k phi(x_k) (Jensen's inequality for the convex phi on [0, x0])",
                 "phi convex on [0, x0] (convex-then-concave); y in [0, x0] as a mean of points of it",
                 (), ("Jensen's inequality; sum_{k in C} p_k y = sum_{k in C} p_k x_k by the definition of y",))


def reduction() -> Lemma:
    z, y, pk = sp.symbols("z y p_k", positive=True)
    op, kl = linear_anchor(), divergence("kl")
    (a_sym,) = op.parameter_symbols
    u, _, a = _symbols()
    p, q = vector_symbols("p", 2), vector_symbols("q", 2)
    subs = {a_sym: a, p[0]: pk, p[1]: 1 - pk, q[0]: z * pk, q[1]: y * (1 - pk)}
    t = [c.xreplace(subs) for c in op.vector(2)]
    anchor = (pk, 1 - pk)
    two = u * kl.total((z * pk, y * (1 - pk)), anchor) - kl.total(t, anchor)
    phi = lambda v: u * v * sp.log(v) - (a + (1 - a) * v) * sp.log(a + (1 - a) * v)  # noqa: E731
    confirm_zero(two - (pk * phi(z) + (1 - pk) * phi(y)),
          "the n = 2 problem of (p_k, 1-p_k) at q = (z p_k, y (1-p_k)) is p_k phi(z) + (1-p_k) phi(y)")
    return Lemma("reduction", "min over the simplex of u KL(q||p) - KL(Tq||p) is attained at x = (z on one "
                 "coordinate k, y on the others), the n = 2 problem of the anchor (p_k, 1 - p_k); hence "
                 "c*(alpha, p) = max_k h(alpha, p_k)",
                 "every n >= 2, interior p; from concave-pair and jensen (for every u > 0)",
                 ("u KL((z p_k, y(1-p_k)) || (p_k, 1-p_k)) - KL(T.||.) = p_k phi(z) + (1-p_k) phi(y) (model)",),
                 ("a minimizer exists (a continuous function on the compact simplex); concave-pair and jensen "
                  "move it to (z p_k, y p_-k) without increasing the value",))


def symmetry() -> Lemma:
    s = setting()
    kl = divergence("kl")
    ratio = kl.total(s.t, s.p) / kl.total(s.q, s.p)
    mirrored = ratio.xreplace({Q1: 1 - Q1, M: 1 - M})
    confirm_zero(sp.together(ratio - mirrored), "R(q_1; m) = R(1 - q_1; 1 - m)")
    return Lemma("symmetry", "R(q_1; alpha, m) = R(1 - q_1; alpha, 1 - m), so h(alpha, m) = h(alpha, 1 - m)",
                 "0 < m < 1", ("R(q_1; alpha, m) - R(1 - q_1; alpha, 1 - m) = 0 (model)",))


def limit() -> Lemma:
    value = derivation("local-kl-ratio").derive({}).expression
    a = next(iter(value.free_symbols))
    confirm_zero(value - (1 - a) ** 2, "lim_{q -> p} R = (1-alpha)^2")
    return Lemma("limit", "R(q) -> (1-alpha)^2 as q -> p, so h(alpha, m) >= (1-alpha)^2",
                 "0 < alpha < 1, interior p", (f"local-kl-ratio: {sp.sstr(value)}",),
                 ("h is a supremum over q != p, so it is at least the limit",))


def below_the_anchor() -> Lemma:
    s_ = sp.Symbol("s", positive=True)
    a = ALPHA
    beta = 1 - a
    setting_ = setting()
    kl = divergence("kl")
    at = {Q1: M - s_}
    gap = (beta**2 * kl.total(setting_.q, setting_.p) - kl.total(setting_.t, setting_.p)).xreplace(at)
    psi0 = psi(0)
    A, B = s_ / M, s_ / (1 - M)
    form = beta**2 * s_**2 * ((psi0(-A) - psi0(-beta * A)) / M + (psi0(B) - psi0(beta * B)) / (1 - M))
    confirm_zero(gap - form.rewrite(sp.log),
          "(1-alpha)^2 KL(q||p) - KL(Tq||p) in psi_0 form below the anchor")
    return Lemma("below-the-anchor", "for q_1 < m <= 1/2: R(q_1; alpha, m) <= (1-alpha)^2",
                 "0 < alpha < 1, 0 < m <= 1/2, s = m - q_1 > 0",
                 ("(1-alpha)^2 KL(q||p) - KL(Tq||p) = (1-alpha)^2 s^2 [(psi_0(-s/m) - psi_0(-(1-alpha)s/m))/m "
                  "+ (psi_0(s/(1-m)) - psi_0((1-alpha)s/(1-m)))/(1-m)] (model)",),
                 ("mean value theorem: the bracket is alpha s [|psi_1(xi_1)|/m^2 - |psi_1(xi_2)|/(1-m)^2] with "
                  "xi_1 < 0 < xi_2; psi_1 < 0 and increasing (psi) give |psi_1(xi_1)| >= |psi_1(xi_2)|, and "
                  "1/m^2 >= 1/(1-m)^2 for m <= 1/2",))


def psi_lemma() -> Lemma:
    return Lemma("psi", "psi_k(z) = d^k/dz^k [psi(z)/z^2] = (-1)^k k! int_0^1 (1-t) t^k/(1+tz)^(k+1) dt: psi_k has "
                 "the sign (-1)^k and is monotone on (-1, oo)", "z > -1", check_psi_facts() + check_rewriting(),
                 ("Taylor's theorem with integral remainder; differentiation under the integral sign",))


def from_zero() -> Lemma:
    return Lemma("from-zero", "G(0, m, .) = 0 for the near and the far function, so dG/dalpha > 0 on [0, a] x B "
                 "gives G > 0 on (0, a] x B", "G continuously differentiable in alpha on [0, a] x B (its certified "
                 "enclosures of dG/dalpha are bounded)", check_from_zero(),
                 ("fundamental theorem of calculus: G(alpha) = int_0^alpha dG/dalpha(s) ds",))


def lemmas() -> tuple[Lemma, ...]:
    """Every lemma of the chain, checked now (``ModelError`` if SymPy does not confirm one)."""
    return (phi_sign(), convex_then_concave(), concave_pair(), jensen(), reduction(), symmetry(), limit(),
            below_the_anchor(), psi_lemma(), from_zero())


__all__ = ["Lemma", "lemmas"]
