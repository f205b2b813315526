"""Refuting continuity (S2, A4) with exact one-sided limits.

An operator whose formula switches (``Piecewise`` conditions, ``Heaviside``, ``sign``) may jump
where a switch's argument vanishes.  For a point ``x0`` in the open simplex and a direction ``d``
with ``sum_i d_i = 0`` the route computes the two one-sided limits

    L+ = lim_{e -> 0+} T(x0 + e d),        L- = lim_{e -> 0+} T(x0 - e d)

exactly.  Each switch argument is a polynomial ``f(e)`` along the ray; SymPy's exact real roots
give ``e0 > 0`` below which no argument changes sign (and ``x0 +- e d`` stays interior), so every
switch is resolved by its sign at ``e0 / 2``, which is its sign on all of ``(0, e0)``.  What is
left is switch-free, and its limit at ``0+`` is SymPy's ``limit``.  If ``L+ != L-`` no value at
``x0`` makes ``T`` continuous there: the witness is ``x0`` with both limits.

Candidates are the points of a small rational grid of the open simplex (integer weights 1..4)
that lie on the switch set: resolving switches from the innermost out, some switch argument
vanishes there.  Off that set every switch is constant near the point (its argument is
continuous there, its inner switches being constant), so only the switch set can hold a jump;
for top-k it is the set of ties.  Each candidate is tried along ``e_a - e_b`` for every pair
``a < b``, in a fixed order.  The route only refutes: finding no jump proves nothing about
continuity, and a switch set that misses the grid is not probed.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from .axioms import SWITCHES
from .certify import certified_sign
from .errors import TranslationError
from .evidence import OneSidedLimits
from .domains import sample_value
from .model import Operator, vector_symbols
from .outcome import REFUTED, Outcome, unknown
from .points import Point
from .replay import Premise, operator_undefined, substitution

#: The switches whose one-sided limits this route resolves (with Piecewise conditions); a formula
#: with other switches of :data:`SWITCHES` (floor, ceiling) gets no limit, so it stays ``unknown``.
_SWITCHES = (sp.Heaviside, sp.sign)


def _innermost(expr: sp.Expr) -> list[sp.Basic]:
    """Switches (and Piecewise conditions) whose arguments contain no further switch."""
    nodes = list(expr.atoms(*_SWITCHES)) + list(expr.atoms(sp.core.relational.Relational))
    return sorted((s for s in nodes if not any(s.args[0].has(f) if isinstance(s, _SWITCHES) else (s.lhs - s.rhs).has(f)
                                            for f in (*_SWITCHES, sp.Piecewise))), key=sp.default_sort_key)


def _argument(node: sp.Basic) -> sp.Expr:
    return node.args[0] if isinstance(node, _SWITCHES) else node.lhs - node.rhs


def _threshold(args: list[sp.Expr], eps: sp.Symbol, ceiling: sp.Expr) -> sp.Expr | None:
    """A rational ``e0 <= ceiling`` with no root of any argument in ``(0, e0)``; None if an
    argument is not a polynomial in ``eps``."""
    e0 = ceiling
    for f in args:
        f = sp.expand(f)
        if eps not in f.free_symbols:
            continue
        if not f.is_polynomial(eps):
            return None
        for root in sp.Poly(f, eps).real_roots():
            if root > 0:
                e0 = min(e0, root if root.is_Rational else sp.Rational(sp.floor(root * 10**6), 10**6))
    return e0 if e0 > 0 else None


def one_sided_limit(vector: tuple[sp.Expr, ...], subs: dict, x0, d, eps: sp.Symbol) -> tuple[sp.Expr, ...] | None:
    """``lim_{eps -> 0+} T(x0 + eps d)`` exactly, or None when a switch is not polynomial along the ray.

    Switches are resolved from the innermost out; each round shrinks ``e0`` below the roots of
    that round's arguments, so every sign fixed in an earlier round still holds on ``(0, e0)``."""
    start = [subs[x] for x in x0]
    along = [c.xreplace({**subs, **{x: a + eps * b for x, a, b in zip(x0, start, d)}}) for c in vector]
    e0 = min([a / abs(b) for a, b in zip(start, d) if b != 0] + [sp.Integer(1)])
    while True:
        nodes = sorted({n for c in along for n in _innermost(c)}, key=sp.default_sort_key)
        if not nodes:
            break
        e0 = _threshold([_argument(n) for n in nodes], eps, e0)
        if e0 is None:
            return None
        fixed = {n: n.xreplace({eps: e0 / 2}) for n in nodes}
        if any(v.free_symbols for v in fixed.values()):
            return None  # a switch depends on something other than the ray
        along = [c.xreplace(fixed) for c in along]
    if any(c.has(*SWITCHES) for c in along):  # floor or ceiling left: no exact limit here
        return None
    return tuple(sp.limit(c, eps, 0, "+") for c in along)


def _grid(n: int):
    """Points of the open simplex with integer weights 1..4, without repeats, in a fixed order."""
    seen = set()
    for weights in itertools.product(range(1, 5), repeat=n):
        total = sum(weights)
        point = tuple(Fraction(w, total) for w in weights)
        if point not in seen:
            seen.add(point)
            yield point


def on_switch_set(vector: tuple[sp.Expr, ...], subs: dict) -> bool:
    """Whether some switch of ``vector`` has a vanishing argument at the point ``subs`` once the
    switches inside it are resolved there (an argument that is not a number counts as vanishing)."""
    exprs = list(vector)
    while True:
        nodes = sorted({n for c in exprs for n in _innermost(c)}, key=sp.default_sort_key)
        if not nodes:
            return False
        for node in nodes:
            value = _argument(node).xreplace(subs)
            if not value.is_number or value == 0:
                return True
        fixed = {node: node.xreplace(subs) for node in nodes}
        exprs = [c.xreplace(fixed) for c in exprs]


def _parameters(op: Operator) -> dict | None:
    values = {p.symbol: sample_value(p) for p in op.parameters}
    if any(v is None for v in values.values()):
        return None
    if any(c.xreplace(values) is not sp.true for c in op.constraints):
        return None
    return values


def refute_continuity(op: Operator, sizes=(3,)) -> Outcome:
    """A jump of ``op`` at a grid point of the switch set of its first input (see the module
    docstring), or ``unknown``; the other inputs are held at the uniform distribution."""
    params = _parameters(op)
    if params is None:
        return unknown("no parameter values in the domain among the candidates")
    eps = sp.Symbol("epsilon", positive=True)
    name = op.inputs[0]
    points = tried = 0
    for n in sizes:
        vector = op.vector(n)
        if not any(c.has(*SWITCHES) for c in vector):
            return unknown(f"the formula has no switch (unit step, sign, case split, floor) at n={n}: it cannot jump")
        xs = vector_symbols(name, n)
        others = {x: sp.Rational(1, n) for other in op.inputs[1:] for x in vector_symbols(other, n)}  # uniform
        for point in _grid(n):
            subs = {**params, **others, **{x: sp.Rational(v.numerator, v.denominator) for x, v in zip(xs, point)}}
            if not on_switch_set(vector, subs):
                continue
            points += 1
            for a, b in itertools.combinations(range(n), 2):
                tried += 1
                d = [sp.Integer(1 if k == a else -1 if k == b else 0) for k in range(n)]
                plus = one_sided_limit(vector, subs, xs, d, eps)
                minus = one_sided_limit(vector, subs, xs, [-v for v in d], eps)
                if plus is None or minus is None:
                    continue
                if any(_differ(u, v) for u, v in zip(plus, minus)) and _in_premise(op, _witness(op, n, point, params)):
                    along = {sign: tuple(c.xreplace({**subs, **{x: x0 + sign * eps * dk for x, x0, dk
                                                                 in zip(xs, (subs[x] for x in xs), d)}})
                                         for c in vector) for sign in (1, -1)}
                    evidence = OneSidedLimits(f"n = {n}, direction e_{a + 1} - e_{b + 1}", sp.srepr(eps),
                                              tuple(map(sp.srepr, along[1])), tuple(map(sp.srepr, along[-1])),
                                              tuple(map(sp.srepr, plus)), tuple(map(sp.srepr, minus)))
                    return _refuted(op, n, point, params, (a, b), plus, minus, evidence)
    return unknown(f"no jump along {tried} directions at {points} grid points of the switch set (n in {list(sizes)}); "
                   "finding none proves nothing")


def _differ(u: sp.Expr, v: sp.Expr) -> bool:
    """``u != v`` certified by interval arithmetic (a failure to simplify to 0 proves nothing)."""
    try:
        return certified_sign(u - v) in (-1, 1)
    except TranslationError:
        return False


def _witness(op: Operator, n: int, point, params: dict) -> Point:
    """The jump point ``x0`` for the first input, the other inputs uniform, the parameters' values."""
    inputs = {op.inputs[0]: tuple(point)} | {other: (Fraction(1, n),) * n for other in op.inputs[1:]}
    return Point(inputs, {p.name: Fraction(int(params[p.symbol].p), int(params[p.symbol].q)) for p in op.parameters})


def _in_premise(op: Operator, witness: Point) -> bool:
    """The jump point satisfies the premise of continuity (every input in the open simplex,
    parameters in their domains) and the operator is defined there (the one replay's checks)."""
    subs, reason = substitution(Premise(op, frozenset(op.inputs)), witness)
    return reason is None and operator_undefined(op, witness.n, subs) is None


def _refuted(op: Operator, n: int, point, params: dict, pair, plus, minus, evidence: OneSidedLimits) -> Outcome:
    a, b = pair
    vec = lambda v: "(" + ", ".join(sp.latex(x) for x in v) + ")"  # noqa: E731
    x0 = vec(sp.Rational(v.numerator, v.denominator) for v in point)
    tie = f" (entries {a + 1} and {b + 1} tie)" if point[a] == point[b] else ""
    steps = (
        rf"at $x_0 = {x0}${tie}, along $d = e_{a + 1} - e_{b + 1}$: "
        rf"$\lim_{{\varepsilon \to 0^+}} T(x_0 + \varepsilon d) = {vec(plus)}$ and "
        rf"$\lim_{{\varepsilon \to 0^+}} T(x_0 - \varepsilon d) = {vec(minus)}$, exactly",
        r"each switch of the formula keeps its sign on $(0, \varepsilon_0)$, where $\varepsilon_0$ lies below "
        r"every exact root of the switch arguments along the ray, so the limits are those of switch-free expressions",
        r"the one-sided limits differ, so no value at $x_0 \in \Delta_n^\circ$ makes $T$ continuous there",
    )
    return Outcome(REFUTED, f"n={n}", steps, _witness(op, n, point, params),
                   data={"limits": [[str(x) for x in plus], [str(x) for x in minus]]}, evidence=(evidence,))
