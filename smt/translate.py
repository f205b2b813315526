"""Translation of SymPy expressions into Z3 terms: table-driven and strict.

Numbers become exact Z3 rationals; symbols map to Z3 real variables supplied by the caller.
Constructs outside polynomial real arithmetic are encoded exactly with auxiliary variables:

* ``x**(-k)`` becomes ``d**k`` for a fresh ``d`` with ``d * x == 1`` (denominators are
  multiplied out; the condition also forces ``x != 0``);
* ``x**(m/k)`` becomes ``r**m`` for a fresh ``r`` with ``r**k == x``, ``r >= 0``, ``x >= 0``;
* ``Abs``, ``Max``, ``Min``, ``Heaviside(x, h0)`` and ``Piecewise`` become ``If`` terms (case splits).

Side conditions define the auxiliary variables uniquely, so asserting them keeps the encoding
equivalent to the original formula.  Auxiliary variables are Z3 fresh constants (``inv!0``,
``root!1``): distinct from every named variable, whatever the user's parameters are called.  A node with no rule (``log``, ``exp``, ...) raises a
:class:`TranslationError` naming it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp
import z3

from kdaxioms.symbolic.errors import TranslationError

BACKEND = "z3"



#: How an untranslatable node is named in a route's reason (by SymPy class name).
_KINDS = {"log": "logarithm", "exp": "exponential", "Heaviside": "unit step", "Abs": "absolute value",
          "Max": "maximum", "Min": "minimum", "Sum": "sum over a symbolic range", "Piecewise": "case split"}


def _kind(expr: sp.Basic) -> str:
    """The reader's name of a SymPy node (``log`` -> logarithm), for a route's reason."""
    return _KINDS.get(type(expr).__name__, f"rule for {type(expr).__name__}")

class Z3Translator:
    """Translate SymPy expressions over known symbols into Z3 terms in one context."""

    def __init__(self, variables: Mapping[sp.Symbol, z3.ArithRef], ctx: z3.Context):
        self.ctx = ctx
        self.variables = dict(variables)
        self.side_conditions: list[z3.BoolRef] = []
        self._roots: dict[tuple[sp.Expr, int], z3.ArithRef] = {}
        self._rules: dict[type, Callable[[sp.Basic], z3.ExprRef]] = {
            sp.Symbol: self._symbol,
            sp.Add: lambda e: z3.Sum([self(a) for a in e.args]),
            sp.Mul: self._mul,
            sp.Pow: self._pow,
            sp.Abs: lambda e: self._abs(self(e.args[0])),
            sp.Max: lambda e: self._fold(e.args, lambda a, b: z3.If(a >= b, a, b)),
            sp.Min: lambda e: self._fold(e.args, lambda a, b: z3.If(a <= b, a, b)),
            sp.Heaviside: self._heaviside,
            sp.Piecewise: self._piecewise,
            sp.StrictLessThan: lambda e: self(e.lhs) < self(e.rhs),
            sp.LessThan: lambda e: self(e.lhs) <= self(e.rhs),
            sp.StrictGreaterThan: lambda e: self(e.lhs) > self(e.rhs),
            sp.GreaterThan: lambda e: self(e.lhs) >= self(e.rhs),
            sp.Equality: lambda e: self(e.lhs) == self(e.rhs),
            sp.Unequality: lambda e: self(e.lhs) != self(e.rhs),
            sp.And: lambda e: z3.And([self(a) for a in e.args]),
            sp.Or: lambda e: z3.Or([self(a) for a in e.args]),
            sp.Not: lambda e: z3.Not(self(e.args[0])),
            sp.Implies: lambda e: z3.Implies(self(e.args[0]), self(e.args[1])),
        }

    def __call__(self, expr: sp.Basic) -> z3.ExprRef:
        if isinstance(expr, sp.Rational):
            return self.number(Fraction(int(expr.p), int(expr.q)))
        if expr is sp.true:
            return z3.BoolVal(True, self.ctx)
        if expr is sp.false:
            return z3.BoolVal(False, self.ctx)
        for cls in type(expr).__mro__:
            rule = self._rules.get(cls)
            if rule is not None:
                return rule(expr)
        raise TranslationError(BACKEND, expr, f"Z3's exact real arithmetic has no {_kind(expr)}")

    def number(self, value: Fraction) -> z3.ArithRef:
        """An exact Z3 rational."""
        return z3.RealVal(f"{value.numerator}/{value.denominator}", self.ctx)

    def _symbol(self, s: sp.Symbol) -> z3.ArithRef:
        try:
            return self.variables[s]
        except KeyError:
            raise TranslationError(BACKEND, s, "symbol has no Z3 variable") from None

    def _mul(self, e: sp.Mul) -> z3.ArithRef:
        factors = [self(a) for a in e.args]
        prod = factors[0]
        for f in factors[1:]:
            prod = prod * f
        return prod

    def _power(self, base: z3.ArithRef, k: int) -> z3.ArithRef:
        result = base
        for _ in range(k - 1):
            result = result * base
        return result

    def _pow(self, e: sp.Pow) -> z3.ArithRef:
        exp = e.exp
        if not isinstance(exp, sp.Rational):
            raise TranslationError(BACKEND, e, "Z3's exact real arithmetic has no power with a symbolic exponent")
        m, k = int(exp.p), int(exp.q)
        base = self._root(e.base, k) if k != 1 else self(e.base)
        if m == 0:
            return self.number(Fraction(1))
        if m > 0:
            return self._power(base, m)
        return self._power(self._inverse(e.base, base), -m)

    def _inverse(self, expr: sp.Expr, value: z3.ArithRef) -> z3.ArithRef:
        """``1/x`` as a fresh ``d`` with ``d * x == 1``: denominators multiplied out, exactly."""
        key = (expr, -1)
        if key not in self._roots:
            d = z3.FreshReal("inv", self.ctx)
            self.side_conditions.append(d * value == 1)
            self._roots[key] = d
        return self._roots[key]

    def _root(self, radicand: sp.Expr, k: int) -> z3.ArithRef:
        key = (radicand, k)
        if key not in self._roots:
            x = self(radicand)
            r = z3.FreshReal("root", self.ctx)
            self.side_conditions += [x >= 0, r >= 0, self._power(r, k) == x]
            self._roots[key] = r
        return self._roots[key]

    def _heaviside(self, e: sp.Heaviside) -> z3.ArithRef:
        if len(e.args) < 2 or not e.args[1].is_Rational:
            raise TranslationError(BACKEND, e, "Heaviside needs its value at 0 (Heaviside(x, h0))")
        x = self(e.args[0])
        return z3.If(x > 0, self(sp.Integer(1)), z3.If(x == 0, self(e.args[1]), self(sp.Integer(0))))

    def _piecewise(self, e: sp.Piecewise) -> z3.ArithRef:
        (last, cond), *rest = reversed(e.args)
        if cond is not sp.true:
            raise TranslationError(BACKEND, e, "a Piecewise without an otherwise branch is undefined somewhere")
        acc = self(last)
        for value, cond in rest:
            acc = z3.If(self(cond), self(value), acc)
        return acc

    def _abs(self, x: z3.ArithRef) -> z3.ArithRef:
        return z3.If(x >= 0, x, -x)

    def _fold(self, args, pick) -> z3.ArithRef:
        terms = [self(a) for a in args]
        acc = terms[0]
        for t in terms[1:]:
            acc = pick(acc, t)
        return acc
