"""C4: tightness of the linear anchor's KL contraction factor.

* ``local-kl-ratio``: along ``q = p + eps v`` (``sum_i v_i = 0``) the per-coordinate KL term
  is expanded in ``eps`` by SymPy.  The first-order terms are linear in ``v_i`` and sum to
  zero; the second-order coefficient of ``KL(Tq||p)`` is the second-order coefficient of
  ``KL(q||p)`` times a factor that does not depend on ``i``, so the ratio tends to that factor
  for every ``n`` and every anchor.
* ``kl-ratio-supremum``: along ``n = 2``, ``q = delta_1``, ``p = (p_1, 1 - p_1)``, the ratio
  ``KL(Tq||p)/KL(q||p)`` is computed from the model and its limit as ``p_1 -> 0+`` is taken
  by SymPy; with the C2 bound (ratio ``<= 1 - alpha``) this is the supremum.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

from ..divergences import divergence
from ..errors import ModelError
from ..families import ALPHA, linear_anchor
from ..model import coordinate_symbol, vector_symbols
from .base import Derivation, DerivationSpec, Input, Value, parameter_value


def _alpha_subs(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    return parameter_value(values, linear_anchor())


def local_kl_ratio(values: Mapping[str, Value]) -> Derivation:
    """``lim_{q -> p} KL(Tq||p) / KL(q||p)`` from the second-order expansion per coordinate."""
    op = linear_anchor()
    kl = divergence("kl")
    p, q = coordinate_symbol("p"), coordinate_symbol("q")
    eps, v = sp.Symbol("epsilon", positive=True), sp.Symbol("v_i", real=True)
    pos = sp.Symbol("p_i", positive=True)
    moved = {p: pos, q: pos + eps * v}
    t_i = op.coordinate().xreplace(moved)
    num = sp.series(kl.coordinate(t_i, pos), eps, 0, 3).removeO().expand()
    den = sp.series(kl.coordinate(pos + eps * v, pos), eps, 0, 3).removeO().expand()
    first = [sp.simplify(s.coeff(eps, 1)) for s in (num, den)]
    second = [sp.simplify(s.coeff(eps, 2)) for s in (num, den)]
    ratio = sp.factor(sp.simplify(second[0] / second[1]))
    linear = all(sp.diff(f, v, 2) == 0 and f.subs(v, 0) == 0 for f in first)
    free = not (ratio.free_symbols & {v, pos})
    steps = (
        rf"with $q_i = p_i + \varepsilon v_i$: $d(T_i, p_i) = {sp.latex(num)} + O(\varepsilon^3)$ and "
        rf"$d(q_i, p_i) = {sp.latex(den)} + O(\varepsilon^3)$",
        r"the $\varepsilon^1$ coefficients are linear in $v_i$ "
        + ("(checked), so they sum to $0$ because $\\sum_i v_i = 0$" if linear else "(not established)"),
        rf"ratio of the $\varepsilon^2$ coefficients: ${sp.latex(ratio)}$, "
        + ("independent of $i$, $p_i$ and $v_i$, so the ratio of the sums tends to it for every $n$" if free
           else "which depends on the coordinate"),
    )
    if not (linear and free):
        raise ModelError("the local expansion of the KL ratio does not separate over coordinates")
    expr = ratio.xreplace(_alpha_subs(values))
    value = expr if not expr.free_symbols else None
    return Derivation("local-kl-ratio", expr, values, steps, value)


def kl_ratio_supremum(values: Mapping[str, Value]) -> Derivation:
    """``lim_{p_1 -> 0+} KL(T delta_1 || p) / KL(delta_1 || p)`` for every ``n``: the interior anchor
    ``p = (p_1, r, ..., r)`` with ``r = (1 - p_1)/(n - 1)`` puts equal terms on coordinates ``2..n``,
    so the sums are one term at coordinate 1 and ``n - 1`` equal terms (a symbolic ``n``)."""
    op = linear_anchor()
    kl = divergence("kl")
    p1 = sp.Symbol("p_1", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    rest = (1 - p1) / (n - 1)
    subs = dict(zip(vector_symbols("p", 2), (p1, rest))) | dict(zip(vector_symbols("q", 2), (sp.Integer(1), sp.Integer(0))))
    first, other = (c.xreplace(subs) for c in op.vector(2))  # T at coordinate 1 and at any coordinate j >= 2
    num = sp.simplify(kl.coordinate(first, p1) + (n - 1) * kl.coordinate(other, rest))
    den = sp.simplify(-sp.log(p1))  # KL(delta_1 || p): one term, the 0 log 0 terms dropped
    if n in num.free_symbols:
        raise ModelError(f"KL(T delta_1 || p) still depends on n: {num}")
    limit = sp.simplify(sp.limit(num / den, p1, 0, "+"))
    steps = (
        rf"every $n \ge 2$: $q = \delta_1$, $p = (p_1, r, \dots, r)$ with $r = {sp.latex(rest)}$ (interior): "
        rf"$(Tq)_1 = {sp.latex(first)}$ and $(Tq)_j = {sp.latex(other)}$ for $j \ge 2$",
        rf"$\mathrm{{KL}}(Tq\|p) = {sp.latex(num)}$ ($n$ cancels: $n - 1$ equal terms of total weight $1 - p_1$), "
        rf"$\mathrm{{KL}}(q\|p) = {sp.latex(den)}$ (the $0 \log 0$ terms dropped)",
        rf"$\lim_{{p_1 \to 0^+}}$ of the ratio: ${sp.latex(limit)}$; with the one-step bound (C2) this is the supremum "
        r"for every $n$, not attained because the bound is strict for $q \ne p$",
    )
    expr = limit.xreplace(_alpha_subs(values))
    value = expr if not expr.free_symbols else None
    return Derivation("kl-ratio-supremum", expr, values, steps, value)


_ALPHA = Input("alpha", "scalar", "anchor weight in (0, 1]")

DERIVATIONS = (
    DerivationSpec("local-kl-ratio", "C4", "F1: limit of KL(Tq||p)/KL(q||p) as q -> p, by series expansion",
                   (_ALPHA,), local_kl_ratio),
    DerivationSpec("kl-ratio-supremum", "C4", "F1: supremum of KL(Tq||p)/KL(q||p), the limit along q = delta_1, p_1 -> 0",
                   (_ALPHA,), kl_ratio_supremum),
)
