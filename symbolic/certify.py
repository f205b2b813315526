"""Certified signs of exact expressions.

A claim evaluated at an exact point gives an exact SymPy number.  When it is rational its sign
is read off exactly.  When it is algebraic or transcendental (square roots, logarithms) it is
enclosed in a ball with python-flint's ``arb`` type at increasing precision; the sign is
certified as soon as the ball excludes zero.  A ball that never excludes zero gives ``None``:
the sign is not certified, and no verdict may rest on it.
"""

from __future__ import annotations

import flint
import sympy as sp

from .errors import TranslationError, UndefinedError
from kdaxioms.certified.precision import precision  # the one precision context of arb

_PRECISIONS = (64, 256, 1024)


def _arb(expr: sp.Expr) -> flint.arb:
    """Enclose an exact SymPy number in an ``arb`` ball (table-driven, strict)."""
    if isinstance(expr, sp.Integer):
        return flint.arb(int(expr))
    if isinstance(expr, sp.Rational):
        return flint.arb(int(expr.p)) / int(expr.q)
    if expr is sp.pi:
        return flint.arb.pi()
    if expr is sp.E:
        return flint.arb(1).exp()
    if isinstance(expr, sp.CRootOf) and expr.is_real:
        # SymPy isolates the root exactly: eval_rational(dx) is within dx of it (documented),
        # so the ball [r - dx, r + dx] encloses the root.
        dx = sp.Rational(1, 2 ** flint.ctx.prec)
        r = expr.eval_rational(dx=dx, dy=dx)
        return flint.arb(int(r.p)) / int(r.q) + flint.arb(0, 2 * (flint.arb(int(dx.p)) / int(dx.q)))
    args = [_arb(a) for a in expr.args]
    if isinstance(expr, sp.Add):
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if isinstance(expr, sp.Mul):
        prod = args[0]
        for a in args[1:]:
            prod = prod * a
        return prod
    if isinstance(expr, sp.Pow):
        base, exp = args
        if isinstance(expr.exp, sp.Integer):
            return base ** int(expr.exp)
        return base ** exp
    if isinstance(expr, sp.log):
        return args[0].log()
    if isinstance(expr, sp.exp):
        return args[0].exp()
    if isinstance(expr, sp.Abs):
        return abs(args[0])
    raise TranslationError("arb", expr)


def certified_sign(expr: sp.Expr) -> int | None:
    """The sign (-1, 0, 1) of an exact real number, or ``None`` if it cannot be certified."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Rational):
        return int(sp.sign(expr))
    if expr.free_symbols:
        raise TranslationError("arb", expr, "free symbols remain; the point is not exact")
    for bits in _PRECISIONS:
        with precision(bits):
            ball = _arb(expr)
        if ball > 0:
            return 1
        if ball < 0:
            return -1
    if sp.simplify(expr) == 0:
        return 0
    return None


_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


def _sign(value: sp.Expr, what: sp.Expr) -> int:
    """The certified sign of a number on which definedness depends (else an uncertain error)."""
    sign = certified_sign(value)
    if sign is None:
        raise UndefinedError(f"the sign of {value} (in {what}) cannot be certified", certain=False)
    return sign


def _check_pow(base: sp.Expr, exp: sp.Expr, node: sp.Expr) -> None:
    """``base**exp`` is defined over the reals iff: for an integer ``exp <= 0``, ``base != 0``;
    for any other ``exp``, ``base >= 0``, and ``base > 0`` when ``exp <= 0`` (the convention of
    the Z3 encoding, where ``x**(m/k)`` requires ``x >= 0`` even for odd ``k``)."""
    if not (base.is_number and exp.is_number):
        return
    if isinstance(exp, sp.Integer):
        if exp <= 0 and _sign(base, node) == 0:
            raise UndefinedError(f"{node} is 0**{exp}")
        return
    sign = _sign(base, node)
    if sign < 0:
        raise UndefinedError(f"{node} is a non-integer power of the negative number {base}")
    if sign == 0 and _sign(exp, node) <= 0:
        raise UndefinedError(f"{node} is 0**{exp}")


def exact_value(expr: sp.Basic, subs: dict) -> sp.Basic:
    """``expr`` at the exact point ``subs``, evaluated bottom-up so that SymPy never folds an
    undefined operation away: ``0**0`` is not 1, ``sqrt(-1)`` is not ``I``, ``1/0`` is not
    ``zoo``.  Raises :class:`UndefinedError` at the first operation outside its domain.  A
    ``Piecewise`` evaluates only the branch whose condition holds."""
    if expr in subs:
        return subs[expr]
    if not expr.args or isinstance(expr, (sp.Symbol, sp.Indexed)):
        return expr
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            truth = certified_truth(cond, subs)
            if truth is None:
                raise UndefinedError(f"the branch of {expr} cannot be certified", certain=False)
            if truth:
                return exact_value(value, subs)
        raise UndefinedError(f"no branch of {expr} applies")
    args = [exact_value(a, subs) for a in expr.args]
    if isinstance(expr, sp.Pow):
        _check_pow(args[0], args[1], expr)
    if isinstance(expr, sp.log) and args[0].is_number and _sign(args[0], expr) <= 0:
        raise UndefinedError(f"{expr} is the logarithm of {args[0]} <= 0")
    value = expr.func(*args)
    if isinstance(value, sp.Expr) and value.is_number and (value.has(*_UNDEFINED) or value.has(sp.I)
                                                           or value.is_real is False):
        raise UndefinedError(f"{expr} evaluates to {value}, not a real number")
    return value


def certified_truth(formula: sp.Basic, subs: dict | None = None) -> bool | None:
    """The truth value of a formula (relations joined by And/Or/Not/Implies) at the exact point
    ``subs``, each relation decided by :func:`certified_sign` of ``lhs - rhs``; ``None`` if any
    needed sign cannot be certified.

    The point is substituted into each side separately and bottom-up (:func:`exact_value`), before
    SymPy may fold a relation: a side that is undefined there (a division by zero, ``0**0``, the
    logarithm of 0, a root of a negative number) makes the relation ``None``, never a truth value
    (``Eq(zoo, 1)`` would otherwise fold to ``False``, ``0**0`` to ``1``)."""
    subs = subs or {}
    if formula is sp.true or formula is True:
        return True
    if formula is sp.false or formula is False:
        return False
    if isinstance(formula, sp.Not):
        inner = certified_truth(formula.args[0], subs)
        return None if inner is None else not inner
    if isinstance(formula, (sp.And, sp.Or)):
        values = [certified_truth(a, subs) for a in formula.args]
        decisive = False if isinstance(formula, sp.And) else True
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(formula, sp.Implies):
        return certified_truth(sp.Or(sp.Not(formula.args[0]), formula.args[1]), subs)
    if isinstance(formula, sp.core.relational.Relational):
        try:
            sides = [exact_value(sp.sympify(side), subs) for side in (formula.lhs, formula.rhs)]
        except UndefinedError:
            return None
        if any(side.has(*_UNDEFINED) for side in sides):
            return None
        difference = sides[0] - sides[1]
        if difference.has(*_UNDEFINED):
            return None
        sign = certified_sign(difference)
        if sign is None:
            return None
        return {sp.Eq: sign == 0, sp.Ne: sign != 0, sp.StrictLessThan: sign < 0, sp.LessThan: sign <= 0,
                sp.StrictGreaterThan: sign > 0, sp.GreaterThan: sign >= 0}[type(formula)]
    raise TranslationError("arb", formula, "not a closed formula of relations")
