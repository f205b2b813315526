"""Reverse KL along a log-linear raise, for every number of coordinates.

When raising the weight of teacher ``k`` is log-linear per coordinate (weighted geometric means),
the raised output is ``A_i(s) = a_i(s) / Z(s)`` with ``a_i(s) = c_i^{1-s} p_i^s`` and
``Z(s) = sum_i a_i(s)``, ``p = p^k``.  With ``l_i = log p_i - log c_i``:

* per coordinate, ``d a_i / ds = a_i l_i`` and ``log(A_i / p_i) = -(1-s) l_i - log Z`` (SymPy, all
  quantities positive), so ``KL(A(s)||p) = sum_i A_i (-(1-s) l_i - log Z)``;
* differentiated term by term (linearity) and compared in the normal form of
  :mod:`kdaxioms.symbolic.sum_identities`: ``d/ds KL(A(s)||p) = -(1-s) V(s)``, where
  ``V = sum_i A_i (l_i - m)^2`` is the variance of ``l`` under ``A(s)`` (variance as a sum of
  squares, ``>= 0``).

So ``KL(A(s)||p^k)`` is non-increasing on ``s in [0, 1]``, for every ``n``.  Every step is
computed here; a step SymPy does not settle leaves the lemma unestablished.
"""

from __future__ import annotations

import sympy as sp

from .citation import cite
from .errors import ModelError
from .sum_identities import identity, variance


def reverse_kl_along_log_linear_raise() -> tuple[bool | None, tuple[str, ...]]:
    """``d/ds KL(A(s)||p^k) = -(1-s) Var_{A(s)}(l) <= 0`` for every ``n`` (see the module)."""
    n = sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    s = sp.Symbol("s", real=True)
    c_, p_, z_ = sp.symbols("c p Z", positive=True)
    # Per coordinate, on positive symbols.
    a_ = c_ ** (1 - s) * p_ ** s
    l_ = sp.log(p_) - sp.log(c_)
    slope = sp.simplify(sp.diff(a_, s) - a_ * l_)
    log_ratio = sp.simplify(sp.expand_log(sp.log(a_ / z_ / p_) - (-(1 - s) * l_ - sp.log(z_)), force=True))
    if slope != 0 or log_ratio != 0:
        return None, (f"the per-coordinate identities along the raise are not established ({slope}, {log_ratio})",)
    # Over a symbolic number of coordinates.
    a = sp.Function("a", positive=True)
    ell = sp.IndexedBase("ell", real=True)
    z = sp.Sum(a(i, s), (i, 1, n))
    weight = a(i, s) / z
    kl = sp.Sum(weight * (-(1 - s) * ell[i] - sp.log(z)), (i, 1, n))
    derivative = sp.diff(kl, s).replace(lambda e: isinstance(e, sp.Derivative) and e.expr.func == a,
                                        lambda e: e.expr * ell[e.expr.args[0]])
    try:
        moment, var_steps = variance(weight, ell[i], i, 1, n, r"$A(s)$ is a distribution")
        equal = identity(derivative, -(1 - s) * moment)
    except ModelError as exc:
        return None, (f"the derivative of reverse KL along the raise is not established: {exc}",)
    ai, zz, mm = sp.Symbol("a_i"), sp.Symbol("Z"), sp.Symbol("m")
    mean = sp.Sum(weight * ell[i], (i, 1, n))

    def show(expr: sp.Expr, named: dict | None = None) -> str:
        """Compact LaTeX: ``Z`` for the normalizer, ``m`` for the mean of ``l``, ``a_i`` for ``a(i, s)``."""
        return sp.latex(expr.xreplace({mean: mm} if named is None else named).xreplace({z: zz}).xreplace({a(i, s): ai}))

    steps = (
        rf"per coordinate, with $a_i(s) = {sp.latex(a_)}$ ($c = c_i$, $p = p^k_i$), $\ell_i = {sp.latex(l_)}$, "
        r"$Z = \sum_i a_i$ and $A_i = a_i/Z$: $\frac{d a_i}{ds} = a_i \ell_i$ and "
        r"$\log\frac{A_i}{p_i} = -(1-s)\,\ell_i - \log Z$ (SymPy, positive quantities), so "
        rf"$\mathrm{{KL}}(A(s)\|p^k) = {show(kl)}$",
        rf"[linearity, {cite('sum-normal-form')}] the derivative in $s$ term by term, with $\frac{{d a_i}}{{ds}} = a_i \ell_i$",
        rf"[{var_steps[0].rule}, {cite('variance')}] with $m = {show(mean, {})}$ and $\sum_i A_i = 1$: "
        rf"$V = {show(sp.Sum(weight * (ell[i] - mean) ** 2, (i, 1, n)))} = {show(moment)} \ge 0$ "
        r"(every term is a weight $\ge 0$ times a real square)",
        rf"[{equal.rule}, {cite('sum-normal-form')}] $\frac{{d}}{{ds}}\,\mathrm{{KL}}(A(s)\|p^k) = -(1-s)\,V$ for every $n$: both sides in "
        r"normal form (splitting a sum, linearity; each remaining sum an independent unknown) agree",
        r"so reverse KL to $p^k$ is non-increasing along the raise on $s \in [0, 1]$, for every $n$",
    )
    return True, steps
