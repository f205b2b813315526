"""Three-valued interval evaluation of a formula: certainly true, certainly false, or undecided.

Each relation ``a REL b`` is decided by an enclosure of ``a - b`` (an :class:`IntervalProgram`
compiled once) through the one table and walker of :mod:`kdaxioms.certified.kleene`: ``a <= b``
is certainly true when the enclosure's upper end is ``<= 0`` and certainly false when its lower
end is ``> 0``; ``Eq`` is certainly false when ``0`` is outside.  An unbounded enclosure (a log
of an interval reaching ``0``) decides nothing.  At an exact point (zero-width intervals) a
``False`` is a certified violation.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from kdaxioms.symbolic.errors import ModelError

from .intervals import Interval, IntervalProgram, precision
from .kleene import GREATER, LESS, kleene, relation_truth


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
            return kleene(self.formula, lambda rel: self._relation(rel, values))

    def _relation(self, rel: sp.core.relational.Relational, values: Sequence[Interval]) -> bool | None:
        d = self._programs[rel](values)
        return relation_truth(rel, d.lo, d.hi) if d.bounded else None

    def lower_margin(self, values: Sequence[Interval], bits: int = 64) -> float | None:
        """For a single ``a <= b`` (or ``a >= b``): a certified lower bound of the violation
        ``a - b`` (``b - a``) at ``values``, as a float rounded down; None otherwise."""
        f = self.formula
        if not isinstance(f, LESS + GREATER):
            return None
        with precision(bits):
            d = self._programs[f](values)
        if not d.bounded:
            return None
        return float(d.lo) if isinstance(f, LESS) else float(-d.hi)
