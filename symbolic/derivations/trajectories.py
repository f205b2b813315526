"""C3: trajectory closed forms of the linear anchor (F1) and the multi-teacher anchor (F2).

The per-coordinate recursion ``q_{t+1,i} = T(q_t)_i`` is solved by SymPy's ``rsolve``
(:func:`kdaxioms.symbolic.recursion.trajectory`).  For F2 the anchor is the aggregate
``A_w(p^1..p^m)_i``; the recursion is solved with the aggregate standing for ``p_i``.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

from ..errors import InputError
from ..families import ALPHA, linear_anchor, multi_teacher_anchor
from ..model import INDEX, coordinate_symbol, vector_symbols
from ..recursion import Q0, T_STEP, trajectory
from .base import Derivation, DerivationSpec, Input, Value, parameter_value, rational, simplex_vector


def _alpha(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``alpha`` checked against F1's own domain."""
    return parameter_value(values, linear_anchor())


def _time(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Integer]:
    if "t" not in values:
        return {}
    t = values["t"]
    if t < 0:
        raise InputError(f"t={t} must be a non-negative integer (a generation)")
    return {T_STEP: sp.Integer(t)}


def linear_trajectory(values: Mapping[str, Value]) -> Derivation:
    """``q_{t,i}`` for F1; with ``p``, ``q0`` (vectors), ``alpha`` and ``t`` set: the vector ``q_t``."""
    op = linear_anchor()
    traj = trajectory(op)
    subs = {**_alpha(values), **_time(values)}
    expr = traj.expression.xreplace(subs)
    value = None
    if {"p", "q0", "alpha", "t"} <= set(values):
        p = simplex_vector("p", values["p"], interior=True)
        q0 = simplex_vector("q0", values["q0"], size=len(p))
        pi = coordinate_symbol("p")
        value = [sp.simplify(expr.xreplace({pi: a, Q0: b})) for a, b in zip(p, q0)]
    return Derivation("linear-trajectory", expr, values, traj.steps, value)


def multi_teacher_trajectory(values: Mapping[str, Value]) -> Derivation:
    """``q_{t,i}`` for F2: the model is checked to be F1 with ``p_i`` replaced by the aggregate
    ``A_w(p^1..p^m)_i`` (which does not depend on ``q``), so the F1 recursion's solution holds
    with the aggregate in place of ``p_i``."""
    aggregation = values.get("geometric", 0)
    teachers = values.get("teachers")
    m = len(teachers) if teachers is not None else 2
    op = multi_teacher_anchor(m, "geometric" if aggregation else "arithmetic")
    f1 = linear_anchor()
    anchor = op.roles["anchor"]
    residual = sp.simplify(op.component - f1.component.xreplace({sp.IndexedBase("p")[INDEX]: anchor}))
    if residual != 0:
        raise InputError(f"{op.name} is not F1 with an aggregated anchor (residual {residual})")
    traj = trajectory(f1)
    steps = traj.steps + (
        rf"the F2 component minus the F1 component with $p_i \mapsto {sp.latex(anchor)}$ simplifies to $0$, "
        r"so the solution holds with the aggregate in place of $p_i$",)
    pbar = sp.Symbol(r"\bar{p}_i", real=True)
    subs = {**_alpha(values), **_time(values)}
    expr = traj.expression.xreplace({coordinate_symbol("p"): pbar}).xreplace(subs)
    value = None
    if teachers is not None and {"w", "alpha", "t", "q0"} <= set(values):
        rows = [simplex_vector(f"teacher {k + 1}", row, interior=True) for k, row in enumerate(teachers)]
        n = len(rows[0])
        if any(len(r) != n for r in rows):
            raise InputError("every teacher needs the same number of entries")
        ws = simplex_vector("w", values["w"], size=m)
        q0 = simplex_vector("q0", values["q0"], size=n)
        at = {sym: v for k, row in enumerate(rows) for sym, v in zip(vector_symbols(f"p{k + 1}", n), row)}
        at.update(zip(op.parameter_symbols[1:], ws))
        pbar_values = [sp.simplify(c.xreplace(at)) for c in op.expand(anchor, n)]
        value = [sp.simplify(expr.xreplace({pbar: a, Q0: b})) for a, b in zip(pbar_values, q0)]
    extra = {"anchor": anchor}
    return Derivation("multi-teacher-trajectory", expr, values, steps, value, extra=extra)


DERIVATIONS = (
    DerivationSpec("linear-trajectory", "C3", "F1 trajectory q_t = p + (1-alpha)^t (q_0 - p), solved from the recursion",
                   (Input("alpha", "scalar", "anchor weight in (0, 1]"), Input("t", "integer", "generation t >= 0"),
                    Input("p", "vector", "anchor (interior distribution)"), Input("q0", "vector", "start (distribution)")),
                   linear_trajectory),
    DerivationSpec("multi-teacher-trajectory", "C3",
                   "F2 trajectory: the F1 solution with the aggregated anchor A_w(p^1..p^m) in place of p",
                   (Input("alpha", "scalar", "anchor weight in (0, 1]"), Input("t", "integer", "generation t >= 0"),
                    Input("teachers", "matrix", "base teachers, one row each (e.g. 0.9,0.1;0.5,0.5)"),
                    Input("w", "vector", "teacher weights in the simplex"), Input("q0", "vector", "start (distribution)"),
                    Input("geometric", "integer", "1: geometric aggregation, 0: arithmetic (default)")),
                   multi_teacher_trajectory),
)
