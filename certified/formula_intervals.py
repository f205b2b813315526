"""Three-valued interval evaluation of a formula: certainly true, certainly false, or undecided.

Each relation ``a REL b`` is decided by an enclosure of ``a - b`` (an :class:`IntervalProgram`
compiled once): ``a <= b`` is certainly true when the enclosure's upper end is ``<= 0`` and
certainly false when its lower end is ``> 0``; ``Eq`` is certainly false when ``0`` is outside.
And/Or/Not/Implies combine the three values in Kleene's logic.  An unbounded enclosure (a log
of an interval reaching ``0``) decides nothing.  At an exact point (zero-width intervals) a
``False`` is a certified violation.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from kdaxioms.symbolic.errors import ModelError

from .intervals import Interval, IntervalProgram, precision

_LE = (sp.LessThan, sp.StrictLessThan)
_GE = (sp.GreaterThan, sp.StrictGreaterThan)


class FormulaEnclosure:
    """A formula compiled for three-valued evaluation over intervals of ``symbols``."""

    def __init__(self, formula: sp.Basic, symbols: Sequence[sp.Symbol]):
        self.symbols = tuple(symbols)
        self._programs: dict[sp.Basic, IntervalProgram] = {}
        self.formula = formula
        self._compile(formula)

    def _compile(self, f: sp.Basic) -> None:
        if f in (sp.true, sp.false):
            return
        if isinstance(f, (sp.And, sp.Or, sp.Not, sp.Implies)):
            for a in f.args:
                self._compile(a)
            return
        if isinstance(f, sp.core.relational.Relational):
            self._programs[f] = IntervalProgram(f.lhs - f.rhs, self.symbols)
            return
        raise ModelError(f"not a closed formula of relations: {f}")

    def truth(self, values: Sequence[Interval], bits: int = 64) -> bool | None:
        with precision(bits):
            return self._truth(self.formula, values)

    def _truth(self, f: sp.Basic, values) -> bool | None:
        if f is sp.true:
            return True
        if f is sp.false:
            return False
        if isinstance(f, sp.Not):
            inner = self._truth(f.args[0], values)
            return None if inner is None else not inner
        if isinstance(f, sp.Implies):
            premise = self._truth(f.args[0], values)
            if premise is False:
                return True
            conclusion = self._truth(f.args[1], values)
            if conclusion is True:
                return True
            return False if (premise is True and conclusion is False) else None
        if isinstance(f, (sp.And, sp.Or)):
            parts = [self._truth(a, values) for a in f.args]
            decisive = isinstance(f, sp.Or)
            if decisive in parts:
                return decisive
            return None if None in parts else not decisive
        d = self._programs[f](values)
        if not d.bounded:
            return None
        if isinstance(f, _LE):
            strict = isinstance(f, sp.StrictLessThan)
            return True if (d.hi < 0 or (not strict and d.hi <= 0)) else False if (d.lo > 0 or (strict and d.lo >= 0)) else None
        if isinstance(f, _GE):
            strict = isinstance(f, sp.StrictGreaterThan)
            return True if (d.lo > 0 or (not strict and d.lo >= 0)) else False if (d.hi < 0 or (strict and d.hi <= 0)) else None
        if isinstance(f, sp.Eq):
            if d.lo > 0 or d.hi < 0:
                return False
            return True if (d.lo == 0 and d.hi == 0) else None
        if isinstance(f, sp.Ne):
            if d.lo > 0 or d.hi < 0:
                return True
            return False if (d.lo == 0 and d.hi == 0) else None
        raise ModelError(f"no interval rule for {type(f).__name__}")

    def lower_margin(self, values: Sequence[Interval], bits: int = 64) -> float | None:
        """For a single ``a <= b`` (or ``a >= b``): a certified lower bound of the violation
        ``a - b`` (``b - a``) at ``values``, as a float rounded down; None otherwise."""
        f = self.formula
        if not isinstance(f, _LE + _GE):
            return None
        with precision(bits):
            d = self._programs[f](values)
        if not d.bounded:
            return None
        return float(d.lo) if isinstance(f, _LE) else float(-d.hi)
