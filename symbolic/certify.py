"""Certified signs of exact expressions.

A claim evaluated at an exact point gives an exact SymPy number.  When it is rational its sign
is read off exactly.  When it is algebraic or transcendental (square roots, logarithms, real
roots of polynomials) it is enclosed by the one interval program of
:mod:`kdaxioms.certified.intervals` (python-flint's ``arb``) at increasing precision; the sign is
certified as soon as the enclosure excludes zero.  Formulas are decided by the one three-valued
walker of :mod:`kdaxioms.certified.kleene`.  A ball that never excludes zero gives ``None``:
the sign is not certified, and no verdict may rest on it.
"""

from __future__ import annotations

import sympy as sp

from kdaxioms.certified.intervals import enclose_number, precision
from kdaxioms.certified.kleene import kleene, relation_truth

from .errors import TranslationError, UndefinedError

_PRECISIONS = (64, 256, 1024)


def certified_sign(expr: sp.Expr) -> int | None:
    """The sign (-1, 0, 1) of an exact real number, or ``None`` if it cannot be certified."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Rational):
        return int(sp.sign(expr))
    if expr.free_symbols:
        raise TranslationError("arb", expr, "free symbols remain; the point is not exact")
    if expr.has(sp.Float):
        raise TranslationError("arb", expr, "a floating-point number is not an exact value")
    if expr.is_extended_real is False:  # e.g. (-2)**sqrt(2): no real sign
        return None
    for bits in _PRECISIONS:
        with precision(bits):
            enclosure = enclose_number(expr)
            if enclosure.lo > 0:
                return 1
            if enclosure.hi < 0:
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
    ``Piecewise`` evaluates only the branch whose condition holds.  A subexpression that occurs
    more than once (a normalizing sum in every coordinate) is evaluated once."""
    return _exact_value(expr, subs, {})


def _exact_value(expr: sp.Basic, subs: dict, done: dict) -> sp.Basic:
    if expr in subs:
        return subs[expr]
    if not expr.args or isinstance(expr, (sp.Symbol, sp.Indexed)):
        return expr
    if expr not in done:
        done[expr] = _evaluated(expr, subs, done)
    return done[expr]


def _evaluated(expr: sp.Basic, subs: dict, done: dict) -> sp.Basic:
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            truth = certified_truth(cond, subs)
            if truth is None:
                raise UndefinedError(f"the branch of {expr} cannot be certified", certain=False)
            if truth:
                return _exact_value(value, subs, done)
        raise UndefinedError(f"no branch of {expr} applies")
    args = [_exact_value(a, subs, done) for a in expr.args]
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
    """The truth value of a formula (relations joined by And/Or/Not/Implies, Kleene's logic of
    :func:`kdaxioms.certified.kleene.kleene`) at the exact point ``subs``, each relation decided
    by :func:`certified_sign` of ``lhs - rhs``; ``None`` if a needed sign cannot be certified.

    The point is substituted into each side separately and bottom-up (:func:`exact_value`), before
    SymPy may fold a relation: a side that is undefined there (a division by zero, ``0**0``, the
    logarithm of 0, a root of a negative number) makes the relation ``None``, never a truth value
    (``Eq(zoo, 1)`` would otherwise fold to ``False``, ``0**0`` to ``1``)."""
    subs = subs or {}
    return kleene(formula, lambda rel: _relation(rel, subs)[0])


def _relation(rel: sp.core.relational.Relational, subs: dict) -> tuple[bool | None, tuple[sp.Basic, sp.Basic] | None]:
    """The certified truth of one relation at ``subs`` and its two sides' exact values (``None``
    when a side is undefined there or the sign cannot be certified; no sides when undefined)."""
    try:
        sides = tuple(sp.sympify(exact_value(sp.sympify(side), subs)) for side in (rel.lhs, rel.rhs))
    except UndefinedError:
        return None, None
    if any(side.has(*_UNDEFINED) for side in sides):
        return None, None
    difference = sides[0] - sides[1]
    if difference.has(*_UNDEFINED):
        return None, None
    sign = certified_sign(difference)
    return (None if sign is None else relation_truth(rel, sign, sign)), sides


def violated_relations(formula: sp.Basic, subs: dict, limit: int = 3) -> tuple[tuple[sp.Basic, sp.Basic, sp.Basic], ...]:
    """The relations that make ``formula`` false at the exact point ``subs``, as ``(relation, left
    value, right value)``: descending only into parts certified false (a conjunct, every disjunct,
    the conclusion of an implication whose premise is false there only if the premise holds), so
    a relation that holds, or one in a vacuous implication, is never named; at most ``limit``.
    For a report only: it never raises (an undecidable part is skipped), and the truth of the
    formula itself is :func:`certified_truth`'s."""
    found: list[tuple[sp.Basic, sp.Basic, sp.Basic]] = []
    subs = {k: sp.sympify(v) for k, v in subs.items()}

    def false(part: sp.Basic) -> bool:
        try:
            return certified_truth(part, subs) is False
        except (TranslationError, UndefinedError, ArithmeticError, ValueError, TypeError):
            return False

    def walk(part: sp.Basic) -> None:
        if len(found) >= limit or not false(part):
            return
        if isinstance(part, sp.core.relational.Relational):
            try:
                _, sides = _relation(part, subs)
            except (TranslationError, ArithmeticError, ValueError, TypeError):
                return
            if sides is not None:
                found.append((part, *sides))
        elif isinstance(part, sp.Implies):
            walk(part.args[1])
        elif isinstance(part, (sp.And, sp.Or)):
            for arg in part.args:
                walk(arg)

    walk(formula)
    return tuple(found)
