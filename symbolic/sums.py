"""Rules for sums over a symbolic number of terms: reasoning that holds for every ``n`` (or ``k``).

A proof about ``sum_{j=a}^{b} f(j)`` with a symbolic upper end ``b`` cannot check each term: it is
a chain of rules, each sound for every number of terms.  Each rule here is one function with a
name (:data:`RULES`): it checks its own hypotheses with SymPy and returns the transformed
expression and one :class:`Step` naming the rule, or raises :class:`ModelError` when a hypothesis
is not established (a rule never "probably" applies).

* ``linearity`` -- ``d/dx sum_j f(j, x) = sum_j d/dx f(j, x)``, ``sum_j c f(j) = c sum_j f(j)``
  for a factor ``c`` free of ``j``, and ``a sum_j f(j) + b sum_j g(j) = sum_j (a f(j) + b g(j))``
  (finitely many terms);
* ``termwise identity`` -- ``sum_j f(j) = sum_j g(j)`` over the same range when ``f(j) - g(j)``
  simplifies to ``0`` for a generic integer ``j`` of the range;
* ``shift`` -- ``sum_{j=a}^{b} f(j) = sum_{j=a+d}^{b+d} f(j - d)``;
* ``termwise sign`` -- every term ``>= 0`` (``<= 0``) for every integer ``j`` of the range (SymPy's
  sign rules with ``j = a + m``, ``m`` a non-negative integer) gives the sum that sign;
* ``weights sum to one`` -- ``sum_j w_j f(j) - 1 = sum_j w_j (f(j) - 1)`` when ``sum_j w_j = 1``;
* ``power at least one`` -- ``x^m >= 1`` for ``x >= 1`` and ``m >= 0`` (``> 1`` for ``x > 1``,
  ``m > 0``), the sign fact SymPy's rules do not derive for a symbolic exponent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from .citation import cite
from .errors import ModelError


@dataclass(frozen=True)
class Step:
    """One application of a rule: its name and the fact it established (LaTeX)."""

    rule: str
    fact: str

    def text(self) -> str:
        """The step with its rule and the lemma of the book that states the rule."""
        return f"[{self.rule}, {cite(_LEMMA_OF_RULE.get(self.rule, 'sum-normal-form'))}] {self.fact}"


#: The lemma of :mod:`kdaxioms.symbolic.lemma_book` that states each rule (default: the sum rules).
_LEMMA_OF_RULE = {"power at least one": "power-rules", "variance as a sum of squares": "variance",
                  "Lagrange's identity": "cauchy-schwarz", "Cauchy--Schwarz": "cauchy-schwarz", "Jensen": "jensen"}


def _parts(total: sp.Sum) -> tuple[sp.Expr, sp.Symbol, sp.Expr, sp.Expr]:
    if not isinstance(total, sp.Sum) or len(total.limits) != 1:
        raise ModelError(f"not a single sum: {total}")
    (j, lo, hi), = total.limits
    if j.is_integer is not True:
        raise ModelError(f"the summation index {j} is not declared an integer")
    return total.function, j, lo, hi


def _generic(j: sp.Symbol, lo: sp.Expr) -> tuple[dict, sp.Symbol]:
    """``j = lo + m`` with ``m`` a fresh non-negative integer: a generic index of the range."""
    m = sp.Dummy("m", integer=True, nonnegative=True)
    return {j: lo + m}, m


def linearity(total: sp.Sum, x: sp.Symbol) -> tuple[sp.Sum, Step]:
    """The derivative in ``x`` of a finite sum, term by term."""
    f, j, lo, hi = _parts(total)
    if x == j or x in (lo.free_symbols | hi.free_symbols):
        raise ModelError(f"{x} occurs in the range of the sum")
    out = sp.Sum(sp.diff(f, x), (j, lo, hi))
    return out, Step("linearity", rf"$\frac{{d}}{{d{sp.latex(x)}}} {sp.latex(total)} = {sp.latex(out)}$")


def factor_out(total: sp.Sum, c: sp.Expr) -> tuple[sp.Expr, Step]:
    """``sum_j c f(j) = c sum_j f(j)`` for ``c`` free of the index."""
    f, j, lo, hi = _parts(total)
    if j in c.free_symbols:
        raise ModelError(f"{c} depends on the summation index {j}")
    rest = sp.cancel(f / c)
    if sp.denom(sp.together(rest)).has(*c.free_symbols) or sp.expand(c * rest - f) != 0:
        raise ModelError(f"{c} is not a factor of the terms {f} of {total}")  # (also when c may be 0)
    out = c * sp.Sum(rest, (j, lo, hi))
    return out, Step("linearity", rf"${sp.latex(total)} = {sp.latex(out)}$")


def combine(parts: list[tuple[sp.Expr, sp.Sum]]) -> tuple[sp.Sum, Step]:
    """``sum_m a_m sum_j f_m(j) = sum_j sum_m a_m f_m(j)`` over one range, each ``a_m`` free of ``j``."""
    ranges = {(lo, hi) for _, total in parts for _, _, lo, hi in [_parts(total)]}
    if len(ranges) != 1:
        raise ModelError("the sums to combine run over different ranges")
    (lo, hi), = ranges
    j = _parts(parts[0][1])[1]
    terms = []
    for a, total in parts:
        f, jj, _, _ = _parts(total)
        if j in a.free_symbols or jj in a.free_symbols:
            raise ModelError(f"the coefficient {a} depends on the summation index")
        terms.append(a * f.xreplace({jj: j}))
    out = sp.Sum(sp.Add(*terms), (j, lo, hi))
    lhs = sp.Add(*(a * total for a, total in parts))
    return out, Step("linearity", rf"${sp.latex(lhs)} = {sp.latex(out)}$")


def termwise_identity(lhs: sp.Sum, rhs: sp.Sum) -> Step:
    """``lhs = rhs`` when both run over the same range and their terms agree for every ``j``."""
    f, j, lo, hi = _parts(lhs)
    g, j2, lo2, hi2 = _parts(rhs)
    g = g.xreplace({j2: j})
    if sp.simplify(lo - lo2) != 0 or sp.simplify(hi - hi2) != 0:
        raise ModelError(f"the ranges of {lhs} and {rhs} differ")
    at, _ = _generic(j, lo)
    if sp.simplify((f - g).xreplace(at)) != 0:
        raise ModelError(f"the terms of {lhs} and {rhs} differ: {sp.simplify(f - g)}")
    return Step("termwise identity", rf"${sp.latex(lhs)} = {sp.latex(rhs)}$ (the terms agree for every $j$)")


def shift(total: sp.Sum, d: int) -> tuple[sp.Sum, Step]:
    """Renumber the terms: ``j -> j + d``."""
    f, j, lo, hi = _parts(total)
    out = sp.Sum(f.xreplace({j: j - d}), (j, lo + d, hi + d))
    return out, Step("shift", rf"${sp.latex(total)} = {sp.latex(out)}$")


def termwise_sign(total: sp.Sum, sign: str, known: Callable[[sp.Symbol], dict] | None = None) -> Step:
    """``sign`` one of ``nonnegative``, ``nonpositive``, ``positive`` (the last needs a non-empty
    range, which the caller states): every term has it, so the sum does.  ``known(m)`` gives
    replacements for sub-expressions of the generic term ``f(lo + m)`` by symbols whose sign an
    earlier rule established (e.g. ``(1 + u)^m -> 1 + v`` with ``v >= 0`` after ``power at least
    one``)."""
    f, j, lo, hi = _parts(total)
    at, m = _generic(j, lo)
    term = sp.expand(f.xreplace(at))
    if known is not None:
        term = term.xreplace(known(m))
    if getattr(sp.simplify(term), f"is_{sign}") is not True:
        raise ModelError(f"the terms {f} of {total} are not shown {sign} for every j >= {lo}")
    word = {"nonnegative": r"\ge 0", "nonpositive": r"\le 0", "positive": "> 0"}[sign]
    return Step("termwise sign", rf"every term of ${sp.latex(total)}$ is ${word}$ for every $j \ge {sp.latex(lo)}$, "
                                 rf"so the sum is ${word}$")


def weights_sum_to_one(total: sp.Sum, weight: sp.Expr, premise: str) -> tuple[sp.Sum, Step]:
    """``sum_j w_j f(j) - 1 = sum_j w_j (f(j) - 1)`` given ``sum_j w_j = 1`` over the same range.
    ``weight`` is the weight sequence at the index, ``w(j)`` (an undefined function or an indexed
    symbol of ``j`` alone), a factor of every term; ``premise`` says where ``sum_j w_j = 1`` comes
    from (the operator's domain), and the step states it."""
    f, j, lo, hi = _parts(total)
    if not (isinstance(weight, (sp.core.function.AppliedUndef, sp.Indexed)) and weight.args[-1] == j):
        raise ModelError(f"{weight} is not a weight sequence w(j) of the summation index {j}")
    rest = sp.simplify(f / weight)
    if rest.has(weight.func if isinstance(weight, sp.core.function.AppliedUndef) else weight.base):
        raise ModelError(f"{weight} is not a factor of the terms of {total}")
    out = sp.Sum(weight * (rest - 1), (j, lo, hi))
    return out, Step("weights sum to one", rf"${sp.latex(total)} - 1 = {sp.latex(out)}$ because "
                                           rf"$\sum_{{{sp.latex(j)}}} {sp.latex(weight)} = 1$ ({premise})")


def power_at_least_one(base: sp.Expr, exponent: sp.Expr, strict: bool = False) -> Step:
    """``base^exponent >= 1`` from ``base >= 1`` and ``exponent >= 0`` (``> 1`` from ``base > 1``
    and ``exponent > 0`` with ``strict``), each shown by SymPy's sign rules."""
    above = (base - 1).is_positive if strict else (base - 1).is_nonnegative
    exp_sign = exponent.is_positive if strict else exponent.is_nonnegative
    if above is not True or exp_sign is not True:
        raise ModelError(f"{base}**{exponent} >= 1 is not established ({above}, {exp_sign})")
    rel = ">" if strict else r"\ge"
    return Step("power at least one", rf"${sp.latex(base ** exponent)} {rel} 1$ because "
                                      rf"${sp.latex(base)} {rel} 1$ and ${sp.latex(exponent)} {rel} 0$")


#: The rules by name (each a function of this module).
RULES = {"linearity": (linearity, factor_out, combine), "termwise identity": (termwise_identity,), "shift": (shift,),
         "termwise sign": (termwise_sign,), "weights sum to one": (weights_sum_to_one,),
         "power at least one": (power_at_least_one,)}
