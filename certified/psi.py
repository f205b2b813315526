"""The functions ``psi_k``: KL's second-order remainder without the ``0/0`` at ``q = p``.

With ``psi(z) = (1 + z) log(1 + z) - z``, KL is ``KL(q||p) = sum_i p_i psi((q_i - p_i)/p_i)``
(the linear terms cancel because ``sum_i (q_i - p_i) = 0``).  ``psi`` vanishes to second order
at ``0``, and

    psi_0(z) = psi(z) / z^2 = int_0^1 (1 - t) / (1 + t z) dt          (z > -1),

Taylor's formula with integral remainder, since ``psi(0) = psi'(0) = 0`` and
``psi''(z) = 1/(1 + z)``.  Differentiating under the integral,

    psi_k(z) = d^k/dz^k psi_0(z) = (-1)^k k! int_0^1 (1 - t) t^k / (1 + t z)^(k+1) dt,

so ``psi_k`` has the sign ``(-1)^k`` and is monotone on ``(-1, inf)``: decreasing for even ``k``,
increasing for odd ``k`` (its derivative ``psi_{k+1}`` has the sign ``(-1)^(k+1)``).  The
enclosure of ``psi_k`` over ``[lo, hi]`` is therefore its two endpoint values (outward rounded),
and the point values are

* for ``|z| <= 1/4`` the Taylor series ``psi_0(z) = sum_j (-1)^j z^j / ((j+1)(j+2))``, its
  ``k``-th derivative summed to :data:`TERMS` terms plus a bound of the tail (the terms shrink at
  least geometrically with ratio ``< 1/2``, so the tail is at most twice the first omitted term);
* else the closed form ``d^k/dz^k [psi(z)/z^2]``, derived by SymPy and evaluated with ``arb``.

The facts used (``psi(0) = psi'(0) = 0``, ``psi'' = 1/(1+z)``, the series' coefficients) are
checked by :func:`check_psi_facts`; the integral formula is Taylor's theorem.
"""

from __future__ import annotations

from functools import lru_cache

import math
from fractions import Fraction

import flint
import sympy as sp

from .intervals import ENTIRE, Interval, IntervalProgram, _check

#: Series terms for ``|z| <= 1/4``; the highest derivative is :data:`MAX_ORDER`.
TERMS, MAX_ORDER = 80, 6
_z = sp.Symbol("z", real=True)


def psi_expr(z: sp.Expr) -> sp.Expr:
    """``psi(z) = (1 + z) log(1 + z) - z``."""
    return (1 + z) * sp.log(1 + z) - z


@lru_cache(maxsize=None)
def _closed(k: int) -> sp.Expr:
    return sp.diff(psi_expr(_z) / _z**2, _z, k)


@lru_cache(maxsize=None)
def _closed_program(k: int) -> IntervalProgram:
    return IntervalProgram(_closed(k), (_z,))


@lru_cache(maxsize=None)
def _coefficients(k: int, terms: int) -> tuple[Fraction, ...]:
    """Exact Taylor coefficients of ``psi_k``: ``(-1)^j j!/(j-k)! / ((j+1)(j+2))`` for ``j = k .. k+terms-1``."""
    return tuple(Fraction((-1) ** j * (math.factorial(j) // math.factorial(j - k)), (j + 1) * (j + 2))
                 for j in range(k, k + terms))


def _series(k: int, z: flint.arb) -> flint.arb:
    """``psi_k(z)`` for ``|z| <= 1/4`` from the Taylor series (Horner), with the tail in the radius.

    ``terms`` is chosen from the working precision so that ``4^-terms`` is below it; past the
    last term the terms shrink with ratio ``< 1/2``, so the tail is at most twice the first omitted one."""
    terms = min(TERMS, flint.ctx.prec // 2 + 8)
    total = flint.arb(0)
    for c in reversed(_coefficients(k, terms)):
        total = total * z + flint.arb(c.numerator) / c.denominator
    first_omitted = Fraction(math.factorial(k + terms) // math.factorial(terms), (k + terms + 1) * (k + terms + 2))
    tail = flint.arb(first_omitted.numerator) / first_omitted.denominator * abs(z) ** terms
    return total + flint.arb(0, 2 * tail.upper())


def point(k: int, z: flint.arb) -> flint.arb:
    """A ball enclosing ``psi_k`` at the ball ``z`` (inside ``(-1, inf)``)."""
    if abs(z).upper() <= flint.arb(1) / 4:
        return _series(k, z)
    return _closed_program(k)([Interval.ball(z)]).as_ball()


def enclose(k: int, x: Interval) -> Interval:
    """``psi_k`` over ``[lo, hi]`` (monotone: the endpoint values, ordered by the sign of ``psi_{k+1}``)."""
    if not x.lo > -1:
        return ENTIRE  # psi_k (k >= 1) is unbounded at -1: nothing is certified there
    at_lo, at_hi = point(k, x.lo), point(k, x.hi)
    if k % 2 == 0:  # decreasing
        return _check(at_hi.lower(), at_lo.upper())
    return _check(at_lo.lower(), at_hi.upper())


class _Psi(sp.Function):
    """``psi_k(z)``; ``k`` is the class attribute ``order`` (see :func:`psi`)."""

    order = 0
    nargs = 1

    @classmethod
    def eval(cls, z):
        if z == 0:  # psi_k(0) = k! * (-1)^k / ((k+1)(k+2))
            return sp.Integer(-1) ** cls.order * sp.factorial(cls.order) / ((cls.order + 1) * (cls.order + 2))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return psi(self.order + 1)(self.args[0])

    def _eval_rewrite_as_log(self, z, **kwargs):
        return _closed(self.order).xreplace({_z: z})

    def _eval_is_real(self):
        return self.args[0].is_real

    @classmethod
    def enclose(cls, x: Interval) -> Interval:
        return enclose(cls.order, x)

    def _latex(self, printer) -> str:
        return rf"\psi_{{{self.order}}}\left({printer._print(self.args[0])}\right)"


@lru_cache(maxsize=None)
def psi(k: int) -> type:
    """The SymPy function class of ``psi_k`` (one class per order, so SymPy can differentiate)."""
    if not 0 <= k <= MAX_ORDER:
        raise ValueError(f"psi_{k}: orders 0..{MAX_ORDER} only")
    return type(f"psi{k}", (_Psi,), {"order": k})


def check_psi_facts() -> tuple[str, ...]:
    """The exact facts behind the module docstring, each checked by SymPy (``AssertionError`` if not)."""
    f = psi_expr(_z)
    facts = []
    assert f.subs(_z, 0) == 0 and sp.diff(f, _z).subs(_z, 0) == 0
    facts.append("psi(0) = 0 and psi'(0) = 0")
    assert sp.simplify(sp.diff(f, _z, 2) - 1 / (1 + _z)) == 0
    facts.append("psi''(z) = 1/(1 + z)")
    series = sp.series(f / _z**2, _z, 0, 8).removeO()
    expected = sum((-1) ** j * _z**j / ((j + 1) * (j + 2)) for j in range(8))
    assert sp.expand(series - expected) == 0
    facts.append("psi(z)/z^2 = sum_j (-1)^j z^j / ((j+1)(j+2)) (first 8 coefficients)")
    t = sp.Symbol("t", positive=True)
    integral = sp.integrate((1 - t) / (1 + t * _z), (t, 0, 1), conds="none")
    assert sp.simplify((integral - f / _z**2).subs(_z, sp.Rational(1, 3))) == 0
    facts.append("psi_0(1/3) = int_0^1 (1-t)/(1+t/3) dt exactly (a spot check of the integral formula)")
    return tuple(facts)
