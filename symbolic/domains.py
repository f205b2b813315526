"""Parameter domains: conjunctions of inequalities on one real parameter.

A domain such as ``0 < alpha <= 1`` is kept as a SymPy Boolean.  From it we derive, never
retype, the facts the other layers need: SymPy assumptions (``Q.positive(alpha)``,
``Q.nonnegative(1 - alpha)``) for refinement, the interval ``(0, 1]`` for sampling, and exact
membership of a rational value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from .errors import InputError, ModelError


def _relations(boolean: sp.Basic) -> list[sp.Rel]:
    """Flatten a conjunction into its relational atoms."""
    if isinstance(boolean, sp.And):
        return [r for arg in boolean.args for r in _relations(arg)]
    if isinstance(boolean, sp.core.relational.Relational):
        return [boolean]
    raise InputError(f"domain {boolean} is not a conjunction of inequalities")


def _fact(rel: sp.Rel) -> sp.Basic:
    """A relation ``a < b`` as the assumption ``Q.positive(b - a)`` (and ``<=`` as nonnegative)."""
    if isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan)):
        return sp.Q.positive(rel.gts - rel.lts)
    if isinstance(rel, (sp.LessThan, sp.GreaterThan)):
        return sp.Q.nonnegative(rel.gts - rel.lts)
    if isinstance(rel, sp.Eq):
        return sp.Q.zero(rel.lhs - rel.rhs)
    raise InputError(f"relation {rel} is not an inequality (use <, <=, >, >=)")


@dataclass(frozen=True)
class Parameter:
    """A real parameter of an operator family with its domain, e.g. ``0 < alpha <= 1``."""

    symbol: sp.Symbol
    domain: sp.Basic

    @property
    def name(self) -> str:
        return self.symbol.name

    def assumptions(self) -> sp.Basic:
        """The domain as a conjunction of SymPy ``Q`` facts."""
        return sp.And(*(_fact(r) for r in _relations(self.domain)))

    def interval(self) -> sp.Interval:
        """The domain as a real interval (the domain must be univariate)."""
        return _interval(self.symbol, self.domain)

    def contains(self, value: Fraction) -> bool:
        """Exact membership of a rational value."""
        verdict = self.domain.subs(self.symbol, sp.Rational(value.numerator, value.denominator))
        return bool(verdict == sp.true)

    def check(self, value: Fraction) -> Fraction:
        """Return ``value`` if it lies in the domain, else raise an :class:`InputError`."""
        if not self.contains(value):
            raise InputError(f"parameter {self.name}={value} is outside its domain {self.domain}")
        return value


    def grid(self, count: int) -> list[Fraction]:
        """``count`` evenly spread rationals inside the domain (open ends avoided; a half-line
        ``tau > a`` gives ``a + 1, .., a + count``)."""
        iv = self.interval()
        if not (iv.start.is_finite and iv.end.is_finite):
            if not (iv.start.is_finite or iv.end.is_finite):
                return [Fraction(k) for k in range(count)]
            points = [iv.start + k for k in range(1, count + 1)] if iv.start.is_finite else \
                [iv.end - k for k in range(count, 0, -1)]
            return [Fraction(int(x.p), int(x.q)) for x in map(sp.Rational, points)]
        lo, hi = sp.Rational(iv.start), sp.Rational(iv.end)
        points = [lo + (hi - lo) * sp.Rational(k, count + 1) for k in range(1, count + 1)]
        if not iv.right_open:
            points[-1] = hi
        return [Fraction(int(x.p), int(x.q)) for x in points]


def interval_of(symbol: sp.Symbol, domain: sp.Basic) -> sp.Interval:
    """``domain`` (a condition on ``symbol`` alone) as a real interval, or an :class:`InputError`
    (memoized)."""
    return _interval(symbol, domain)


@functools.lru_cache(maxsize=256)  # a pure function of immutable SymPy objects; as_set takes ~30 ms
def _interval(symbol: sp.Symbol, domain: sp.Basic) -> sp.Interval:
    """``domain`` (a condition on ``symbol`` alone) as a real interval, or an :class:`InputError`."""
    name = symbol.name
    if domain.free_symbols != {symbol}:
        raise InputError(f"domain of {name} ({domain}) involves other parameters, not an interval")
    try:
        as_set = domain.as_set()
    except (TypeError, ValueError, NotImplementedError) as err:
        raise InputError(f"domain of {name} ({domain}) cannot be read as an interval "
                         f"({type(err).__name__})") from None
    if as_set is sp.S.EmptySet:
        raise InputError(f"domain of {name} ({domain}) is empty (no value satisfies it)")
    if not isinstance(as_set, sp.Interval):
        raise InputError(f"domain of {name} ({domain}) is not an interval")
    return as_set


def joint_assumptions(parameters: tuple[Parameter, ...]) -> sp.Basic:
    """The conjunction of every parameter's assumptions."""
    return sp.And(*(p.assumptions() for p in parameters))


#: Small exact values tried, in order, when a parameter needs sample points inside its domain.
SAMPLE_VALUES = tuple(sp.Rational(a, b) for a, b in ((1, 3), (3, 5), (2, 1), (1, 2), (3, 1), (2, 3), (5, 2)))


def sample_value(param: Parameter, k: int = 0) -> sp.Rational | None:
    """The ``k``-th value of :data:`SAMPLE_VALUES` inside the parameter's domain (the last one
    inside if there are fewer), or None when none is inside."""
    inside = [v for v in SAMPLE_VALUES if param.domain.xreplace({param.symbol: v}) is sp.true]
    if not inside:  # a narrow or far domain: points spread inside its interval
        inside = [v for v in _interval_samples(param) if param.domain.xreplace({param.symbol: v}) is sp.true]
    return inside[min(k, len(inside) - 1)] if inside else None


def _interval_samples(param: Parameter) -> list[sp.Rational]:
    """Three rationals inside the parameter's interval (empty when the domain is not an interval)."""
    try:
        iv = param.interval()
    except (InputError, TypeError, ValueError):
        return []
    lo, hi = iv.start, iv.end
    if lo.is_finite and hi.is_finite:
        return [sp.nsimplify(lo + (hi - lo) * sp.Rational(k, 4), rational=True) for k in (1, 2, 3)]
    if lo.is_finite:
        return [sp.nsimplify(lo, rational=True) + k for k in (1, 2, 3)]
    if hi.is_finite:
        return [sp.nsimplify(hi, rational=True) - k for k in (1, 2, 3)]
    return []


#: The values the audit's whole-vector route substitutes for a parameter that occurs in an
#: exponent, in this order: the first :data:`EXPONENT_GRID_SIZE` inside the domain, else
#: :func:`sample_value` (one definition, used by the audit and by the loader's exponent limits).
EXPONENT_GRID = tuple(sp.Rational(x) for x in ("1/3", "1/2", "1", "2", "3", "1/4", "2/3", "3/4"))
EXPONENT_GRID_SIZE = 5


def grid_values(symbol: sp.Symbol, domain: sp.Basic, param: Parameter | None = None) -> list[sp.Rational]:
    """The rationals of :data:`EXPONENT_GRID` inside ``domain`` (at most :data:`EXPONENT_GRID_SIZE`);
    when none is, sample values of ``param``'s own domain (a grid never silently empties)."""
    def inside(v: sp.Rational) -> bool:
        return domain.xreplace({symbol: v}) is sp.true
    values = [v for v in EXPONENT_GRID if inside(v)][:EXPONENT_GRID_SIZE]
    if values or param is None:
        return values
    samples = [sample_value(param, k) for k in range(3)]
    return list(dict.fromkeys(v for v in samples if v is not None and inside(v)))


def exponent_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    """Symbols inside non-rational exponents of ``expr``: the parameters instantiated on
    :func:`grid_values` (Z3 needs them fixed; exact powers stay small)."""
    return {s for p in expr.atoms(sp.Pow) if not p.exp.is_Rational for s in p.exp.free_symbols}


def irrational_power(expr: sp.Basic) -> bool:
    """Whether ``expr`` has a power whose exponent is not a rational number (a parameter, or an
    irrational constant): Z3 reads no such power, and its exact values are algebraic at best."""
    return any(not p.exp.is_Rational for p in sp.sympify(expr).atoms(sp.Pow))


def exponent_grid(param: Parameter) -> list[sp.Rational]:
    """The values the audit substitutes for ``param`` where it occurs in an exponent."""
    return grid_values(param.symbol, param.domain, param)


def solve_constraints(constraints, parameters: list[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """Each equality constraint (e.g. ``w_1 + w_2 = 1``) solved for its last parameter, which is
    then computed from the others instead of drawn; inequality constraints are left to replay."""
    dependent: dict[sp.Symbol, sp.Expr] = {}
    for c in constraints:
        if not isinstance(c, sp.Eq):
            continue
        c = c.xreplace(dependent)
        free = sorted(c.free_symbols & set(parameters), key=str)
        solutions = sp.solve(c, free[-1]) if free else []
        if len(solutions) != 1:
            raise ModelError(f"cannot solve the constraint {c} for one parameter")
        dependent = {k: v.xreplace({free[-1]: solutions[0]}) for k, v in dependent.items()}
        dependent[free[-1]] = solutions[0]
    return dependent


def power_defined(base: sp.Expr, exponent: sp.Expr) -> sp.Basic | None:
    """Where ``base**exponent`` is defined over the reals, in the convention of every engine (None:
    everywhere): an integer exponent needs ``base != 0`` when negative; another rational exponent
    needs ``base >= 0`` (``> 0`` when negative: even for odd denominators, as the Z3 encoding
    does); an irrational constant exponent ``base >= 0`` when positive, else ``base > 0``; a
    symbolic exponent ``base > 0``, or ``base = 0`` with ``exponent > 0`` (no ``0**0``, no
    ``0**negative``)."""
    if exponent.is_Rational:
        if exponent.is_integer:
            return sp.Ne(base, 0) if exponent.is_negative else None
        return base > 0 if exponent.is_negative else base >= 0
    if exponent.is_number:
        return base >= 0 if exponent.is_positive else base > 0
    return sp.Or(base > 0, sp.And(sp.Eq(base, 0), exponent > 0))
