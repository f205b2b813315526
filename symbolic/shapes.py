"""Shapes of an operator's formula that proving routes recognize, whatever it is called and
however its formula is written.

A route asks for a shape, never for a family or parameter name.  Each recognizer returns the
shape's parts, computed by SymPy from the operator's own formula, or None:

* :func:`normalized` -- a component written as ``N_i / sum_j N_j`` (the normalization typed out
  as a ``Sum``) is the operator with component ``N`` and ``normalize = true``: the same map, with
  the same points where it is undefined (``sum_j N_j = 0``).  Recognized after ``together``: the
  denominator is one ``Sum`` over the support whose summand is the numerator with ``i -> j``.
* :func:`power_weight` -- a normalized operator of one input whose weight is a power of the
  coordinate: ``g(x) = c(theta) x^{e(theta)}`` for ``x > 0``.  The exponent is the elasticity
  ``e = x d/dx log g``; the shape holds when SymPy reduces ``e`` and ``c = g / x^e`` to
  expressions free of ``x`` (so ``exp(log(x)/t)``, ``(x**2)**(1/(2*t))`` and ``x**(1/t)`` are one
  shape).  A reduction SymPy does not find leaves the shape unrecognized: the route then says
  nothing, it never guesses.
* :func:`sign_on_domain` -- the sign of an expression in the parameters on their domain, from
  SymPy's assumptions, with a bounded parameter ``theta in [a, b]`` also written as
  ``a + (b - a) u/(1 + u)``, ``u >= 0``, so that ``1 - w`` is seen non-negative for ``w in [0, 1]``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import sympy as sp

from .errors import InputError
from .model import INDEX, SUM_INDEX, SUPPORT, Operator, coordinate_symbol


def normalized(op: Operator) -> Operator:
    """``op`` with a typed-out normalization ``N_i / sum_j N_j`` turned into ``normalize = true``
    (``op`` itself when its component has no such form, or is normalized already)."""
    if op.normalize or not op.component.has(sp.Sum):
        return op
    numerator, denominator = sp.fraction(sp.together(op.component))
    if not isinstance(denominator, sp.Sum) or denominator.limits != ((SUM_INDEX, 1, SUPPORT),):
        return op
    function = denominator.function
    # the summand must be a function of the j-th coordinates alone (no i inside the sum), and the
    # numerator of the i-th alone: only then is N_i / sum_j N_j a normalization
    if function.has(INDEX) or numerator.has(sp.Sum) or numerator.has(SUM_INDEX):
        return op
    if sp.expand(numerator - function.xreplace({SUM_INDEX: INDEX})) != 0:
        return op
    return replace(op, component=numerator, normalize=True)


@dataclass(frozen=True)
class PowerWeight:
    """``T(p)_i = g(p_i) / sum_j g(p_j)`` with ``g(x) = c x^e`` for ``x > 0``; ``at_zero`` is
    ``g(0)`` as the formula gives it (``nan`` when the formula is undefined there)."""

    weight: sp.Expr
    x: sp.Symbol
    exponent: sp.Expr
    factor: sp.Expr
    at_zero: sp.Expr


def _positive_parameters(op: Operator) -> dict[sp.Symbol, sp.Symbol]:
    """Parameters whose domain makes them positive, as positive symbols (for SymPy's power rules)."""
    facts = op.assumptions()
    return {s: sp.Symbol(s.name, positive=True) for s in op.parameter_symbols
            if sp.ask(sp.Q.positive(s), facts) is True}


def power_weight(op: Operator) -> PowerWeight | None:
    """The power shape of a normalized one-input operator (see the module docstring), or None."""
    op = normalized(op)
    if not op.normalize or len(op.inputs) != 1 or op.coordinatewise() is not None:
        return None
    x = sp.Symbol("x", positive=True)
    positive = _positive_parameters(op)
    g = op.unnormalized_coordinate().xreplace({coordinate_symbol(op.inputs[0]): x}).xreplace(positive)
    if not g.has(x):
        return None
    back = {v: k for k, v in positive.items()}
    exponent = _reduce(x * sp.diff(sp.log(g), x))
    if exponent.has(x) or exponent.has(sp.nan, sp.zoo):
        return None
    factor = _reduce(g / x ** exponent)
    if factor.has(x) or factor == 0:
        return None
    # the reductions above combine powers as if every symbol were positive: the shape counts only
    # when g = c x^e is confirmed without that assumption (x > 0 and the parameters' own signs)
    if sp.simplify(sp.powsimp(g / (factor * x ** exponent))) != 1:
        return None
    try:
        at_zero = _at_zero(op, x)
    except (ZeroDivisionError, ValueError, TypeError):
        at_zero = sp.nan
    return PowerWeight(g.xreplace(back), x, exponent.xreplace(back), factor.xreplace(back), at_zero)


def _reduce(expr: sp.Expr) -> sp.Expr:
    """``expr`` with powers and logarithms of positive quantities combined, then simplified."""
    expr = sp.powsimp(sp.powdenest(sp.expand_power_base(expr, force=True), force=True), force=True)
    return sp.simplify(sp.expand_log(expr, force=True))


def _at_zero(op: Operator, x: sp.Symbol) -> sp.Expr:
    """The weight at ``x = 0`` with the parameters kept symbolic (``nan`` when undefined there)."""
    g = op.unnormalized_coordinate().xreplace({coordinate_symbol(op.inputs[0]): sp.Integer(0)})
    g = g.xreplace(_positive_parameters(op))
    value = sp.simplify(g)
    return sp.nan if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) else value


def sign_on_domain(expr: sp.Expr, op: Operator, relation: str, signs: dict | None = None) -> bool:
    """True when ``expr relation 0`` (``relation`` one of ``>``, ``>=``, ``<``, ``<=``) is shown at
    every parameter value of the domain; False when it is not shown.

    Each parameter is written through a sign-definite symbol of its interval (``a + v``,
    ``b - v`` or ``a + (b - a) u/(1 + u)`` with ``u, v >= 0``) and SymPy's sign rules decide the
    rewritten expression (never ``ask`` with compound facts: ``ask(Q.negative(w - 1),
    Q.nonnegative(1 - w))`` is True in SymPy 1.14).  The closed upper end of a bounded interval,
    which ``u/(1 + u)`` never reaches, is substituted, alone and with the other closed ends.
    ``signs`` replaces other symbols first (e.g. coordinates by positive symbols)."""
    expr = expr.xreplace(signs or {})
    test = {">": lambda e: e.is_positive, ">=": lambda e: e.is_nonnegative,
            "<": lambda e: e.is_negative, "<=": lambda e: e.is_nonpositive}[relation]
    forms = interval_forms(op)
    if forms is None:
        return False
    bounded, closed = forms
    for chosen in itertools.chain.from_iterable(itertools.combinations(closed, k) for k in range(len(closed) + 1)):
        at = dict(bounded) | {s: end for s, end in closed.items() if s in chosen}
        if test(sp.simplify(expr.xreplace(at))) is not True:
            return False
    return True


def _own_interval(p) -> sp.Interval | None:
    """The parameter's domain as an interval of its own symbol, or None (a domain that names other
    parameters, or that is no interval)."""
    if p.domain.free_symbols != {p.symbol}:
        return None
    try:
        return p.interval()
    except InputError:
        return None


def interval_forms(op: Operator) -> tuple[dict[sp.Symbol, sp.Expr], dict[sp.Symbol, sp.Expr]] | None:
    """Each parameter through a sign-definite symbol of its interval, and the closed upper ends
    of the bounded intervals; None when a domain is no interval of its own parameter."""
    forms, closed = {}, {}
    for p in op.parameters:
        iv = _own_interval(p)
        if iv is None:
            return None
        lo, hi = iv.start, iv.end
        v = sp.Symbol(f"v_{p.name}", nonnegative=True) if lo in iv else sp.Symbol(f"v_{p.name}", positive=True)
        if lo.is_finite and hi.is_finite:
            forms[p.symbol] = lo + (hi - lo) * v / (1 + v)
            if hi in iv:
                closed[p.symbol] = hi
        elif lo.is_finite:
            forms[p.symbol] = lo + v
        elif hi.is_finite:
            w = sp.Symbol(f"v_{p.name}", nonnegative=True) if hi in iv else sp.Symbol(f"v_{p.name}", positive=True)
            forms[p.symbol] = hi - w
    return forms, closed


def domain_cases(op: Operator) -> list[dict[sp.Symbol, sp.Expr]] | None:
    """Substitutions that together cover every parameter value of the domain, each parameter in
    one of three cases: the open interval through a positive symbol (``a + (b - a) u/(1 + u)``,
    ``a + u``, ``b - u`` with ``u > 0``), its closed lower end, its closed upper end.  A statement
    that SymPy shows in every case holds on the whole domain; in the open case every parameter is
    strictly inside, so ``0^e`` is ``0`` for an exponent ``e`` positive there.  None when a domain is
    no interval of its own parameter."""
    per_parameter = []
    for p in op.parameters:
        iv = _own_interval(p)
        if iv is None:
            return None
        lo, hi = iv.start, iv.end
        u = sp.Symbol(f"u_{p.name}", positive=True)
        inside = (lo + (hi - lo) * u / (1 + u) if lo.is_finite and hi.is_finite
                  else lo + u if lo.is_finite else hi - u if hi.is_finite else sp.Symbol(f"u_{p.name}", real=True))
        cases = [inside] + [end for end in (lo, hi) if end.is_finite and end in iv]
        per_parameter.append([(p.symbol, c) for c in cases])
    return [dict(choice) for choice in itertools.product(*per_parameter)]
