"""Rewrite sums of ``c * log(a)`` terms into ``x log x`` form, an exact identity checked by SymPy.

Enclosing ``q log(q / p)`` near ``q = 0`` fails because ``log q`` is unbounded there, although
``q log q -> 0``.  For an expression that, after ``expand_log``, is a sum

    rest + sum_a c_a log(a)        (``c_a`` polynomial, ``a`` an expression in the variables),

every term whose coefficient is a polynomial multiple of its argument, ``c_a = k_a * a``, is
rewritten as ``k_a * XLogX(a)``.  Collecting the logarithms first matters: in
``(1-alpha) KL(q||p) - KL(Tq||p)`` with ``T = alpha p + (1-alpha) q`` the coefficients of
``log p_i`` combine to ``alpha p_i``, so the whole expression becomes a combination of
``XLogX(p_i)``, ``XLogX(q_i)`` and ``XLogX(T_i)``, bounded on the closed simplex.

``expand_log(force=True)`` splits ``log(x/y) = log x - log y``, valid where every logarithm's
argument is positive; the rewritten expression agrees with the original there (checked by
SymPy: the difference expands to ``0``) and extends it continuously to arguments ``0``.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from kdaxioms.symbolic.errors import ModelError

from .intervals import XLogX


def _polynomial(expr: sp.Expr) -> bool:
    """True when ``expr`` has no variable in a denominator and no transcendental part."""
    numer, denom = sp.fraction(sp.together(expr))
    return not denom.free_symbols and numer.is_polynomial(*numer.free_symbols)


def as_log(expr: sp.Expr) -> sp.Expr:
    """Replace every ``XLogX(u)`` by ``u log u``."""
    return expr.replace(lambda e: isinstance(e, XLogX), lambda e: e.args[0] * sp.log(e.args[0]))


def collected(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Expr:
    """``expr`` as a polynomial in ``variables`` with factored coefficients, e.g.
    ``alpha p - alpha q + q -> alpha p + (1 - alpha) q``: each variable then occurs once, which
    keeps interval enclosures of affine arguments sharp (no dependency between ``alpha q`` and ``q``)."""
    if not variables:
        return expr
    return sp.collect(sp.expand(expr), list(variables), sp.factor)


def xlogx_form(expr: sp.Expr, collect_on: Sequence[sp.Symbol] = ()) -> sp.Expr:
    """``expr`` with each ``c log(a)``, ``c`` a polynomial multiple of ``a``, written ``(c/a) XLogX(a)``;
    arguments and coefficients are :func:`collected` in ``collect_on``.

    Raises :class:`ModelError` if SymPy cannot confirm that the rewrite is an identity."""
    expanded = sp.expand(sp.expand_log(sp.sympify(expr), force=True))
    logs = sorted((L for L in expanded.atoms(sp.log) if L.args[0].free_symbols), key=sp.default_sort_key)
    if not logs:
        return expanded
    parts = sp.collect(expanded, logs, evaluate=False)
    out = parts.pop(sp.S.One, sp.S.Zero)
    for L, coeff in parts.items():
        if L not in logs:
            raise ModelError(f"cannot separate the logarithms of {expr}: term {L}*{coeff}")
        arg = L.args[0]
        ratio = sp.cancel(coeff / arg)
        if _polynomial(ratio):
            out += collected(ratio, collect_on) * XLogX(collected(arg, collect_on))
        else:
            out += coeff * L
    difference = sp.expand(sp.expand_log(as_log(out) - expanded, force=True))
    if difference != 0 and sp.simplify(difference) != 0:
        raise ModelError(f"the x log x rewrite of {expr} is not an identity (difference {difference})")
    return out
