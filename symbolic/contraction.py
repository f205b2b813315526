"""Symbolic proofs of contraction statements, one coordinate at a time.

Two proof methods, each a sequence of computed steps:

* **identity** (``REL`` is ``=``): the per-coordinate difference
  ``d(T_i, p_i) - c d(q_i, p_i)`` is refined under the domain assumptions (absolute values of
  factored arguments are resolved by the signs the domain fixes) and simplifies to 0.
* **convexity** (``REL`` is ``<=``): when ``T_i = lam p_i + (1 - lam) q_i`` with
  ``0 <= lam <= 1`` on the domain, the pair ``(T_i, p_i)`` is the convex combination
  ``lam (p_i, p_i) + (1 - lam) (q_i, p_i)``.  If the term ``d`` is jointly convex (its Hessian
  is positive semidefinite on the open quadrant, checked by SymPy) and ``d(p_i, p_i) = 0``,
  Jensen's inequality gives ``d(T_i, p_i) <= (1 - lam) d(q_i, p_i)``; summing over ``i`` lifts
  it to every ``n``.  Strictness for ``q != p``, ``0 < lam < 1`` follows when the second
  derivative along the segment is positive.

A step SymPy cannot settle makes the outcome ``unknown``; nothing is asserted by hand.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from .citation import cite
from .divergences import X, Y
from .outcome import PROVED, Outcome, unknown
from .statements import ANCHOR, STUDENT, Contraction, Relation

ALL_N = "all-n"


def _coordinate_assumptions(c: Contraction) -> sp.Basic:
    x = c.operator.coordinate_inputs()
    return sp.And(c.operator.assumptions(), sp.Q.positive(x[ANCHOR]), sp.Q.nonnegative(x[STUDENT]))


def _resolve_abs(expr: sp.Expr, facts: sp.Basic) -> sp.Expr:
    """Factor every absolute value's argument and let the domain decide the factors' signs."""
    factored = expr.replace(lambda e: isinstance(e, sp.Abs), lambda e: sp.Abs(sp.factor(e.args[0])))
    return sp.refine(factored, facts)


def prove_identity(c: Contraction) -> Outcome:
    """Prove ``d(T_i, p_i) = c d(q_i, p_i)`` on one coordinate; it lifts to every ``n``."""
    if c.relation is not Relation.EQ:
        return unknown("the identity method applies to equalities only")
    lhs, rhs = c.coordinate_sides()
    facts = _coordinate_assumptions(c)
    difference = sp.simplify(_resolve_abs(lhs, facts) - _resolve_abs(rhs, facts))
    steps = (
        rf"per coordinate: $d(T_i, p_i) = {sp.latex(lhs)}$ and $c\, d(q_i, p_i) = {sp.latex(rhs)}$",
        rf"under the domain ${sp.latex(c.operator.parameters[0].domain) if c.operator.parameters else ''}$, "
        rf"$p_i > 0$, $q_i \ge 0$ the difference simplifies to ${sp.latex(difference)}$",
    )
    if difference == 0:
        return Outcome(PROVED, ALL_N, steps + (r"the per-coordinate identity sums to the claim for every $n$",))
    return unknown(f"per-coordinate difference does not simplify to 0 (got {difference})", *steps)


def joint_convexity(term: sp.Expr) -> tuple[bool | None, tuple[str, ...]]:
    """Decide whether ``term(x, y)`` is jointly convex on ``x, y > 0`` from its Hessian."""
    x, y = sp.symbols("x y", positive=True)
    f = term.xreplace({X: x, Y: y})
    hess = sp.hessian(f, (x, y)).applyfunc(sp.simplify)
    minors = (hess[0, 0], hess[1, 1], sp.simplify(hess.det()))
    signs = [m.is_nonnegative for m in minors]
    step = (rf"Hessian of $d(x,y)={sp.latex(f)}$ on $x,y>0$: ${sp.latex(hess)}$; "
            rf"diagonal entries ${sp.latex(minors[0])}$, ${sp.latex(minors[1])}$ and determinant "
            rf"${sp.latex(minors[2])}$ are "
            + ("non-negative, so the Hessian is positive semidefinite" if all(signs) else "not all provably non-negative"))
    if all(s is True for s in signs):
        return True, (step,)
    return None, (step,)


def convex_in_first(term: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> tuple[bool | None, tuple[str, ...]]:
    """Decide whether ``x -> term(x, y)`` is convex on ``[0, oo)`` for every ``y > 0``.

    Its second derivative in ``x`` must be non-negative on ``x, y > 0`` (SymPy's sign of the
    simplified derivative) and the term must have a finite limit at ``x -> 0+`` (so it extends
    continuously, and convexly, to the edge).  Then Jensen's inequality holds for it:
    ``d(sum_j w_j x_j, y) <= sum_j w_j d(x_j, y)`` for ``w`` in the simplex and ``x_j >= 0``."""
    x, y = sp.symbols("x y", positive=True)
    f = term(x, y)
    second = sp.simplify(sp.diff(f, x, 2))
    edge = sp.limit(f, x, 0, "+")
    convex = second.is_nonnegative is True and edge.is_finite is True
    step = (rf"$\partial_x^2\, d(x, y) = {sp.latex(second)}$ for $d(x, y) = {sp.latex(f)}$ on $x, y > 0$ "
            rf"and $d(x, y) \to {sp.latex(edge)}$ as $x \to 0^+$: "
            + (r"$x \mapsto d(x, y)$ is convex on $[0, \infty)$, so by " + cite("jensen") + " "
               r"$d(\sum_j w_j x_j, y) \le \sum_j w_j d(x_j, y)$ holds for weights in the simplex" if convex
               else "convexity in the first argument is not established"))
    return (True if convex else None), (step,)


def convex_toward_target(term: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> tuple[bool | None, tuple[str, ...]]:
    """Decide whether moving the first argument toward the second on a segment shrinks the term
    at least linearly: ``d((1 - s) x + s y, y) <= (1 - s) d(x, y)`` for ``x, y > 0``, ``0 <= s <= 1``.

    It follows from Jensen's inequality when ``x -> d(x, y)`` is convex on ``(0, oo)`` (second
    derivative non-negative for ``x, y > 0``, by SymPy's sign of the simplified derivative) and
    ``d(y, y) = 0`` (the segment's end point costs nothing)."""
    x, y = sp.symbols("x y", positive=True)
    f = term(x, y)
    second = sp.simplify(sp.diff(f, x, 2))
    at_target = sp.simplify(f.xreplace({x: y}))
    holds = second.is_nonnegative is True and at_target == 0
    step = (rf"$\partial_x^2\, d(x, y) = {sp.latex(second)}$ for $d(x, y) = {sp.latex(f)}$ on $x, y > 0$, and "
            rf"$d(y, y) = {sp.latex(at_target)}$: "
            + (r"by " + cite("jensen") + r" $d((1-s)x + s y, y) \le (1-s)\,d(x, y) + s\,d(y, y) = (1-s)\,d(x, y)$"
               if holds else "convexity toward the target is not established"))
    return (True if holds else None), (step,)


def weighted_am_gm() -> tuple[bool | None, tuple[str, ...]]:
    """``a^{1-s} b^s <= (1-s) a + s b`` for ``a, b > 0`` and ``0 <= s <= 1`` (weighted AM-GM): the
    difference ``f(s)`` vanishes at ``s = 0`` and ``s = 1`` and ``f''(s) <= 0`` (SymPy's sign of the
    factored second derivative), so ``f >= 0`` on ``[0, 1]`` by concavity."""
    a, b = sp.symbols("a b", positive=True)
    s = sp.Symbol("s", real=True)
    f = (1 - s) * a + s * b - a ** (1 - s) * b ** s
    second = sp.factor(sp.simplify(sp.diff(f, s, 2)))
    ends = [sp.simplify(f.xreplace({s: v})) for v in (0, 1)]
    holds = second.is_nonpositive is True and ends == [0, 0]
    step = (rf"weighted AM--GM: $f(s) = {sp.latex(f)}$ has $f(0) = f(1) = 0$ and $f''(s) = {sp.latex(second)} \le 0$, "
            r"so $a^{1-s} b^s \le (1-s)a + s b$ on $[0, 1]$" if holds else "weighted AM-GM is not established")
    return (True if holds else None), (step,)


def kl_along_log_linear_raise() -> tuple[bool | None, tuple[str, ...]]:
    """Per coordinate, with ``A_i = c_i / Z`` and the raised ``A_i(s) = c_i^{1-s} p_i^s / Z(s)``:
    ``p_i log(p_i / A_i(s)) = (1-s) (p_i log(p_i / A_i) - p_i log Z) + p_i log Z(s)`` (SymPy, all
    quantities positive).  Summed with ``sum_i p_i = 1``: ``KL(p||A(s)) = (1-s) KL(p||A) +
    log Z(s) - (1-s) log Z``."""
    p, c, z, zs = sp.symbols("p c Z Z_s", positive=True)
    s = sp.Symbol("s", real=True)
    lhs = p * sp.log(p / (c ** (1 - s) * p ** s / zs))
    rhs = (1 - s) * (p * sp.log(p / (c / z)) - p * sp.log(z)) + p * sp.log(zs)
    holds = sp.simplify(sp.expand_log(lhs - rhs, force=True)) == 0
    step = (rf"${sp.latex(lhs)} = {sp.latex(rhs)}$ (expanded logarithms of positive quantities); summed with "
            r"$\sum_i p_i = 1$: $\mathrm{KL}(p\|A(s)) = (1-s)\,\mathrm{KL}(p\|A) + \log Z(s) - (1-s)\log Z$"
            if holds else "the decomposition of KL along the raise is not established")
    return (True if holds else None), (step,)


def _anchor_decomposition(c: Contraction) -> tuple[sp.Expr | None, tuple[str, ...]]:
    """Return ``lam`` with ``T_i = lam p_i + (1-lam) q_i`` and ``0 <= lam <= 1`` on the domain."""
    lam = c.operator.roles.get("anchor_weight")
    if lam is None:
        return None, ("the operator names no anchor weight",)
    x = c.operator.coordinate_inputs()
    rest = sp.simplify(c.operator.coordinate() - (lam * x[ANCHOR] + (1 - lam) * x[STUDENT]))
    facts = c.operator.assumptions()
    in_range = sp.ask(sp.Q.nonnegative(lam), facts), sp.ask(sp.Q.nonnegative(1 - lam), facts)
    step = (rf"$T_i - ({sp.latex(lam)}\,p_i + (1-{sp.latex(lam)})\,q_i)$ simplifies to ${sp.latex(rest)}$; "
            rf"on the domain $0 \le {sp.latex(lam)} \le 1$ is " + ("established" if all(in_range) else "not established"))
    if rest == 0 and all(v is True for v in in_range):
        return lam, (step,)
    return None, (step,)


def _strictness(c: Contraction) -> tuple[bool, str]:
    """Second derivative of the term along the segment direction, for a nonzero step."""
    x, y = sp.symbols("x y", positive=True)
    step = sp.Symbol("delta", real=True, nonzero=True)
    f = c.divergence.term.xreplace({X: x, Y: y})
    second = sp.diff(f, y, 2) if c.reverse else sp.diff(f, x, 2)
    curvature = sp.simplify(step**2 * second)
    strict = bool(curvature.is_positive)
    moving = "y" if c.reverse else "x"
    return strict, (rf"along the segment only ${moving}$ moves, by $\delta = q_i - p_i \ne 0$; the second derivative "
                    rf"$\delta^2 \partial^2_{moving} d = {sp.latex(curvature)}$ is "
                    + ("positive, so Jensen's inequality is strict for $q \\ne p$ and $0<\\lambda<1$" if strict
                       else "not provably positive"))


def prove_by_convexity(c: Contraction) -> Outcome:
    """Prove ``D(Tq||p) <= (1-lam) D(q||p)`` (or reversed) from joint convexity of the term."""
    if c.relation is not Relation.LE:
        return unknown("the convexity method proves inequalities only")
    lam, steps = _anchor_decomposition(c)
    if lam is None:
        return unknown("the operator is not a convex combination of anchor and student", *steps)
    convex, hess_steps = joint_convexity(c.divergence.term)
    steps += hess_steps
    if not convex:
        return unknown("joint convexity of the divergence term is not established", *steps)
    p = sp.Symbol("p_i", positive=True)
    at_anchor = sp.simplify(c.divergence.coordinate(p, p))
    boundary = sp.limit(c.divergence.term.xreplace({Y: p}), X, 0, "+")
    steps += (rf"$d(p_i, p_i) = {sp.latex(at_anchor)}$; at the edge $x \to 0^+$ the term tends to "
              rf"${sp.latex(boundary)}$, so convexity extends to students with zero entries",)
    if at_anchor != 0 or not boundary.is_finite:
        return unknown("the term does not vanish at the anchor", *steps)
    bound = sp.simplify(c.factor - (1 - lam))
    pair = r"(p_i, T_i) = \lambda (p_i,p_i) + (1-\lambda)(p_i,q_i)" if c.reverse else r"(T_i, p_i) = \lambda (p_i,p_i) + (1-\lambda)(q_i,p_i)"
    steps += (rf"{cite('jensen')} on ${pair}$ with $\lambda = {sp.latex(lam)}$ gives the factor "
              rf"$1-\lambda = {sp.latex(1 - lam)}$; claimed factor minus it: ${sp.latex(bound)}$",)
    if bound != 0:
        return unknown("the claimed factor is not the convexity factor 1 - lambda", *steps)
    if c.strict:
        strict, text = _strictness(c)
        steps += (text,)
        if not strict:
            return unknown("strictness is not established", *steps)
    return Outcome(PROVED, ALL_N, steps + (r"summing the per-coordinate inequality over $i$ gives the claim for every $n$",))
