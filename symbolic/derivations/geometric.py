"""C6: the geometric anchor ``T(q) ∝ p^alpha q^(1-alpha)`` (F4) on the open simplex.

* ``geometric-hilbert``: ``log(T(q)_i / p_i) = (1 - alpha) log(q_i / p_i) - log Z`` with ``Z``
  the normaliser, computed by expanding the logarithm of the model's normalized component.
  ``Z`` does not depend on ``i`` and ``1 - alpha > 0``, so the maximum and minimum over ``i``
  are taken at the same coordinates and the Hilbert distance scales exactly:
  ``dH(Tq, p) = (1 - alpha) dH(q, p)``.
* ``geometric-trajectory``: the log-ratios ``L_t = log(q_t / p)`` obey
  ``L_{t+1} = (1 - alpha) L_t`` up to an additive constant (the normaliser); SymPy's
  ``rsolve`` gives ``L_t = (1 - alpha)^t log(q_0 / p)``, hence
  ``q_t ∝ p^{1 - (1-alpha)^t} q_0^{(1-alpha)^t}``, verified by substitution.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

from ..errors import InputError, ModelError
from ..families import ALPHA, geometric_anchor
from ..model import coordinate_symbol, vector_symbols
from ..recursion import T_STEP
from .base import Derivation, DerivationSpec, Input, Value, simplex_vector, parameter_value

_Z = sp.Symbol("Z", positive=True)


def _positive_coordinates():
    return sp.Symbol("p_i", positive=True), sp.Symbol("q_i", positive=True)


def _log_ratio_step() -> tuple[sp.Expr, tuple[str, ...]]:
    """``log(T_i/p_i) - (1-alpha) log(q_i/p_i)``, with the normaliser kept as the symbol ``Z``."""
    op = geometric_anchor()
    p, q = _positive_coordinates()
    raw = op.unnormalized_coordinate().xreplace({coordinate_symbol("p"): p, coordinate_symbol("q"): q})
    log_ratio = sp.expand_log(sp.log(raw / (_Z * p)), force=True)
    slope = sp.simplify(sp.diff(log_ratio, q) * q)
    rest = sp.simplify(log_ratio - slope * sp.log(q / p).expand(force=True))
    rest = sp.simplify(sp.expand_log(rest, force=True))
    steps = (rf"$\log(T_i/p_i) = {sp.latex(log_ratio)}$ with $Z = \sum_j p_j^\alpha q_j^{{1-\alpha}}$",
             rf"$= \left({sp.latex(slope)}\right) \log(q_i/p_i) + ({sp.latex(rest)})$; the remainder does not depend on $i$")
    if rest.free_symbols & {p, q}:
        raise ModelError(f"log(T_i/p_i) is not affine in log(q_i/p_i) (remainder {rest})")
    return slope, steps


def _hilbert(x: tuple[sp.Expr, ...], y: tuple[sp.Expr, ...]) -> sp.Expr:
    logs = [sp.log(a / b) for a, b in zip(x, y)]
    return sp.Max(*logs) - sp.Min(*logs)


def _interior_pair(values: Mapping[str, Value], first: str, second: str):
    a = simplex_vector(first, values[first], interior=True)
    b = simplex_vector(second, values[second], interior=True, size=len(a))
    return a, b


def geometric_hilbert(values: Mapping[str, Value]) -> Derivation:
    """The per-step Hilbert-metric identity; with ``alpha``, ``p``, ``q`` set, both sides."""
    slope, steps = _log_ratio_step()
    positive = sp.ask(sp.Q.positive(slope), sp.Q.positive(ALPHA) & sp.Q.positive(1 - ALPHA))
    steps += (rf"the slope ${sp.latex(slope)}$ is {'shown' if positive is True else 'not shown'} positive on "
              rf"$0<\alpha<1$ (SymPy's assumptions); so the arg max and arg min "
              r"of $\log(q_i/p_i)$ carry over and $d_H(Tq, p) = \left(" + sp.latex(slope) + r"\right) d_H(q, p)$",)
    if positive is not True:
        raise ModelError("the slope of the log-ratio map is not positive on the domain")
    factor = slope
    value = None
    if "alpha" in values:
        (alpha,) = parameter_value(values, geometric_anchor()).values()
        factor = slope.xreplace({ALPHA: alpha})
        if {"p", "q"} <= set(values):
            p, q = _interior_pair(values, "p", "q")
            op = geometric_anchor()
            subs = dict(zip(vector_symbols("p", len(p)), p)) | dict(zip(vector_symbols("q", len(p)), q)) | {ALPHA: alpha}
            t = tuple(sp.simplify(c.xreplace(subs)) for c in op.vector(len(p)))
            lhs, rhs = _hilbert(t, p), factor * _hilbert(q, p)
            value = sp.simplify(rhs)
            steps += (rf"at the given point: $d_H(Tq,p) = {sp.latex(sp.simplify(lhs))}$, "
                      rf"$(1-\alpha) d_H(q,p) = {sp.latex(value)}$, difference ${sp.latex(sp.simplify(lhs - rhs))}$",)
    return Derivation("geometric-hilbert", sp.Eq(sp.Symbol("d_H(Tq,p)"), factor * sp.Symbol("d_H(q,p)")),
                      values, steps, value, extra={"factor": factor})


def geometric_trajectory(values: Mapping[str, Value]) -> Derivation:
    """``q_t ∝ p^{1-(1-alpha)^t} q_0^{(1-alpha)^t}`` by solving the log-ratio recursion."""
    slope, steps = _log_ratio_step()
    L = sp.Function("L")
    l0 = sp.Symbol(r"\ell_{0,i}", real=True)
    solution = sp.rsolve(L(T_STEP + 1) - slope * L(T_STEP), L(T_STEP), {L(0): l0})
    p, q = _positive_coordinates()
    closed = p * sp.exp(solution.xreplace({l0: sp.log(q / p)}))
    closed = sp.powsimp(sp.expand_power_exp(sp.simplify(closed)), force=True)
    op = geometric_anchor()
    one_step = op.unnormalized_coordinate().xreplace({coordinate_symbol("p"): p, coordinate_symbol("q"): closed})
    ratio = sp.simplify(sp.powsimp(one_step / closed.subs(T_STEP, T_STEP + 1), force=True))
    steps += (rf"normalisation aside, $L_{{t+1}} = \left({sp.latex(slope)}\right) L_t$ with $L_0 = \log(q_{{0,i}}/p_i)$; "
              rf"\texttt{{rsolve}}: $L_t = {sp.latex(solution)}$",
              rf"so $q_{{t,i}} \propto {sp.latex(closed)}$ with $q_i$ standing for $q_{{0,i}}$; one step of $T$ on it, "
              rf"divided by the form at $t+1$: ${sp.latex(ratio)}$ (independent of $i$: the same distribution after "
              r"normalisation)",)
    if ratio.free_symbols & {p, q}:
        raise ModelError(f"the geometric closed form does not satisfy the recursion (ratio {ratio})")
    value, expr = None, closed
    if "alpha" in values:
        (alpha,) = parameter_value(values, geometric_anchor()).values()
        expr = expr.xreplace({ALPHA: alpha})
        if "t" in values:
            if values["t"] < 0:
                raise InputError(f"t={values['t']} must be a non-negative integer (a generation)")
            expr = expr.xreplace({T_STEP: sp.Integer(values["t"])})
            if {"p", "q0"} <= set(values):
                pv, qv = _interior_pair(values, "p", "q0")
                raw = [expr.xreplace({p: a, q: b}) for a, b in zip(pv, qv)]
                total = sp.Add(*raw)
                value = [sp.simplify(r / total) for r in raw]
    return Derivation("geometric-trajectory", expr, values, steps, value)


_ALPHA = Input("alpha", "scalar", "anchor weight in (0, 1)")

DERIVATIONS = (
    DerivationSpec("geometric-hilbert", "C6", "F4: Hilbert-metric identity dH(Tq,p) = (1-alpha) dH(q,p) per step",
                   (_ALPHA, Input("p", "vector", "anchor (interior)"), Input("q", "vector", "student (interior)")),
                   geometric_hilbert),
    DerivationSpec("geometric-trajectory", "C6", "F4: closed form q_t ∝ p^(1-(1-alpha)^t) q_0^((1-alpha)^t)",
                   (_ALPHA, Input("t", "integer", "generation t >= 0"), Input("p", "vector", "anchor (interior)"),
                    Input("q0", "vector", "start (interior)")), geometric_trajectory),
)
